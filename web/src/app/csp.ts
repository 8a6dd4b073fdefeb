/**
 * The server's Content-Security-Policy has no 'unsafe-inline': a run-time <style> tag applies only
 * when it carries the page's nonce (served in <meta name="csp-nonce">). antd passes the nonce to
 * its CSS-in-JS through ConfigProvider, but a few helpers underneath (the scroll lock of drawers
 * and modals) insert <style> tags without one, so every <style> inserted into the document gets
 * the nonce on its way in.
 */
const meta = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
export const cspNonce = meta && meta !== '__CSP_NONCE__' ? meta : undefined;

function withNonce<T extends Node>(node: T): T {
  if (cspNonce && node instanceof HTMLStyleElement && !node.nonce) node.nonce = cspNonce;
  return node;
}

if (cspNonce) {
  const append = Node.prototype.appendChild;
  const insertBefore = Node.prototype.insertBefore;
  Node.prototype.appendChild = function <T extends Node>(this: Node, node: T): T {
    return append.call(this, withNonce(node)) as T;
  };
  Node.prototype.insertBefore = function <T extends Node>(this: Node, node: T, child: Node | null): T {
    return insertBefore.call(this, withNonce(node), child) as T;
  };
}

/**
 * A style *attribute* set from script (`el.setAttribute('style', …)`, as antd's auto-sizing
 * TextArea does with its hidden measuring textarea) is inline style that CSP blocks without
 * 'unsafe-inline'; the same declarations through the CSSOM are allowed, so route them there.
 */
if (cspNonce) {
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string): void {
    if (name.toLowerCase() === 'style' && (this instanceof HTMLElement || this instanceof SVGElement)) {
      this.style.cssText = value;
      return;
    }
    setAttribute.call(this, name, value);
  };
}
