import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  checkKehuSignature,
  generateWebhookSecret,
  isShopifyHmacValid,
  kehuSignature,
  shopifyHmac,
} from './signature.ts';

const secret = 'shpss_0123456789abcdef';
const body = Buffer.from('{"id":820982911946154508,"email":"jon@example.com"}');

describe('Shopify HMAC', () => {
  it('is base64 of HMAC-SHA256 over the raw bytes', () => {
    const expected = createHmac('sha256', secret).update(body).digest('base64');
    assert.equal(shopifyHmac(secret, body), expected);
    assert.equal(isShopifyHmacValid(secret, body, expected), true);
  });

  it('refuses another secret, another body, a hex digest, garbage and no header', () => {
    const good = shopifyHmac(secret, body);
    assert.equal(isShopifyHmacValid('other', body, good), false);
    assert.equal(isShopifyHmacValid(secret, Buffer.from(`${body.toString()} `), good), false);
    assert.equal(isShopifyHmacValid(secret, body, createHmac('sha256', secret).update(body).digest('hex')), false);
    assert.equal(isShopifyHmacValid(secret, body, 'not base64 at all'), false);
    assert.equal(isShopifyHmacValid(secret, body, undefined), false);
  });
});

describe('Kehu signature (t=…,v1=…)', () => {
  const t = 1_795_400_000;
  it('signs "<t>.<raw body>" with hex HMAC-SHA256', () => {
    const mac = createHmac('sha256', secret).update(`${t}.${body.toString()}`).digest('hex');
    assert.equal(kehuSignature(secret, t, body), `t=${t},v1=${mac}`);
    assert.equal(checkKehuSignature(secret, `t=${t},v1=${mac}`, body, t), 'valid');
  });

  it('accepts five minutes of clock difference either way, not more', () => {
    const header = kehuSignature(secret, t, body);
    assert.equal(checkKehuSignature(secret, header, body, t + 300), 'valid');
    assert.equal(checkKehuSignature(secret, header, body, t - 300), 'valid');
    assert.equal(checkKehuSignature(secret, header, body, t + 301), 'expired');
    assert.equal(checkKehuSignature(secret, header, body, t - 301), 'expired');
  });

  it('checks the signature before the time: a wrong one is a mismatch however old', () => {
    const header = kehuSignature('wrong', t, body);
    assert.equal(checkKehuSignature(secret, header, body, t + 10_000), 'mismatch');
  });

  it('accepts any of several v1 values and refuses malformed headers', () => {
    const good = kehuSignature(secret, t, body).split(',')[1];
    const other = kehuSignature('old secret', t, body).split(',')[1];
    assert.equal(checkKehuSignature(secret, `t=${t},${other},${good}`, body, t), 'valid');
    assert.equal(checkKehuSignature(secret, undefined, body, t), 'malformed');
    assert.equal(checkKehuSignature(secret, good, body, t), 'malformed');
    assert.equal(checkKehuSignature(secret, `t=${t}`, body, t), 'malformed');
    assert.equal(checkKehuSignature(secret, `t=soon,${good}`, body, t), 'malformed');
    assert.equal(checkKehuSignature(secret, `t=${t},v1=zz`, body, t), 'malformed');
  });

  it('generates distinct secrets with 256 bits of randomness', () => {
    const a = generateWebhookSecret();
    assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, generateWebhookSecret());
  });
});
