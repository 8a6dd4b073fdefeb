import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError, type DomainError } from '../../platform/http/errors.ts';
import { localeFromHeader, translator } from '../../platform/i18n/i18n.ts';
import { regionTree } from '../customers/index.ts';
import type { FormsContext } from './forms.context.ts';
import { formLocales, pick, type FormLocale } from './forms.definition.ts';
import type { FormLimits } from './forms.limits.ts';
import { submissionBodyLimit } from './forms.limits.ts';
import { confirmPage, formPage, messagePage, type PageChrome } from './forms.page.ts';
import type { FormRow } from './forms.repository.ts';
import { messagesOf, type FormSubmissions } from './forms.submit.ts';

const assets = join(import.meta.dirname, 'public');
const asset = (name: string) => readFileSync(join(assets, name), 'utf8');

type Query = { lang?: string; embed?: string };
type Params = { slug: string };
type Fields = Record<string, string | string[]>;

const isLocale = (v: unknown): v is FormLocale =>
  typeof v === 'string' && (formLocales as readonly string[]).includes(v);

/** The language of the form a request is about, once known (error pages speak it too). */
const formLanguage = new WeakMap<FastifyRequest, FormLocale>();

/** The page's language: `?lang=`, else the form's, else the reader's browser. */
function localeOf(request: FastifyRequest, form?: FormRow | null): FormLocale {
  const lang = (request.query as Query | undefined)?.lang;
  if (isLocale(lang)) return lang;
  if (form) formLanguage.set(request, form.language);
  return form?.language ?? formLanguage.get(request) ?? localeFromHeader(request.headers['accept-language']);
}
const isEmbed = (request: FastifyRequest) => (request.query as Query | undefined)?.embed === '1';

/** The same page again (keeps `lang` and `embed`), for a form's action. */
function selfUrl(request: FastifyRequest, path: string): string {
  const q = new URLSearchParams();
  const { lang, embed } = (request.query as Query | undefined) ?? {};
  if (isLocale(lang)) q.set('lang', lang);
  if (embed === '1') q.set('embed', '1');
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** A browser's form post: repeated names (checkboxes) become lists; at most 200 names. */
function parseUrlEncoded(body: string): Fields {
  const out: Fields = {};
  let count = 0;
  for (const [key, value] of new URLSearchParams(body)) {
    if (++count > 200) throw Object.assign(new Error('too many fields'), { statusCode: 400 });
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Ticked consent boxes arrive as `consent.<id>=1`. */
function tickedConsents(fields: Fields): string[] {
  return Object.keys(fields)
    .filter((k) => k.startsWith('consent.') && fields[k])
    .map((k) => k.slice('consent.'.length));
}

/**
 * The public form may be framed by any site (it is meant to be embedded); everything else
 * Kehu serves keeps `frame-ancestors 'none'`. The rest of the policy is the app's: files from
 * this server only, no inline script or style.
 */
function framableHelmet(publicUrl: string) {
  return {
    frameguard: false as const,
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'style-src': ["'self'"],
        'script-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'form-action': ["'self'"],
        'frame-ancestors': ['*'],
        'upgrade-insecure-requests': publicUrl.startsWith('https:') ? [] : null,
      },
    },
  };
}

/**
 * The public side of forms, outside /api: the page at /f/<slug> (GET shows it, POST submits
 * it), the double opt-in confirmation, and the files the page and the embed snippet load.
 * Nobody signs in here: a form is open to anyone by design, so these routes are `public` and
 * defend themselves with a honeypot, rate limits per address and per form, and a size limit.
 */
export function formsPublicRoutes(
  ctx: FormsContext,
  submissions: FormSubmissions,
  limits: FormLimits,
): FastifyPluginAsync {
  const css = asset('form.css');
  const js = asset('form.js');
  const embedJs = asset('embed.js');
  const helmet = framableHelmet(ctx.publicUrl);

  return async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: submissionBodyLimit },
      (_request, body, done) => {
        try {
          done(null, parseUrlEncoded(body as string));
        } catch (err) {
          done(err as Error, undefined);
        }
      },
    );

    const chrome = (request: FastifyRequest, title: string, form?: FormRow | null): PageChrome => ({
      locale: localeOf(request, form),
      title,
      embed: isEmbed(request),
      slug: form?.slug,
    });

    function page(reply: FastifyReply, status: number, html: string) {
      return reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
    }

    function problemPage(request: FastifyRequest, reply: FastifyReply, status: number, key: string, params = {}) {
      const t = translator(localeOf(request));
      const heading = t(`formPage.${key}Title`);
      return page(
        reply,
        status,
        messagePage(chrome(request, heading), { heading, message: t(`formPage.${key}`, params), tone: 'error' }),
      );
    }

    /** A form that cannot be shown: not found (or a draft), or closed. */
    function unavailable(request: FastifyRequest, reply: FastifyReply, err: DomainError) {
      return err.code === 'FORM_CLOSED'
        ? problemPage(request, reply, 410, 'closed')
        : problemPage(request, reply, 404, 'notFound');
    }

    // Bad input becomes a page in the visitor's language, never the API's JSON.
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (isDomainError(err) && (err.kind === 'not_found' || err.code === 'FORM_CLOSED')) {
        return unavailable(request, reply, err);
      }
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problemPage(request, reply, 413, 'tooLarge');
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        return problemPage(request, reply, 400, 'badRequest');
      }
      request.log.error({ err }, 'public form failed');
      return problemPage(request, reply, 500, 'error');
    });

    async function limited(request: FastifyRequest, reply: FastifyReply) {
      const check = await limits(app, request);
      if (check.ok) return;
      void reply.header('retry-after', String(check.retryAfterSeconds));
      return problemPage(request, reply, 429, 'rateLimited', { seconds: check.retryAfterSeconds });
    }

    const assetRoute = (url: string, type: string, body: string, crossOrigin = false) =>
      app.get(
        url,
        {
          config: { access: 'public' },
          schema: { hide: true },
          // the embed script is loaded by other sites' pages
          ...(crossOrigin ? { helmet: { crossOriginResourcePolicy: { policy: 'cross-origin' as const } } } : {}),
        },
        async (_request, reply) =>
          reply.header('cache-control', 'public, max-age=300').type(`${type}; charset=utf-8`).send(body),
      );
    assetRoute('/f/assets/form.css', 'text/css', css);
    assetRoute('/f/assets/form.js', 'text/javascript', js);
    assetRoute('/f/embed.js', 'text/javascript', embedJs, true);

    async function render(
      request: FastifyRequest,
      reply: FastifyReply,
      form: FormRow,
      status: number,
      extra: { values?: Record<string, unknown>; errors?: Record<string, string>; summary?: string } = {},
    ) {
      const locale = localeOf(request, form);
      const html = formPage({
        definition: form.definition,
        slug: form.slug,
        locale,
        embed: isEmbed(request),
        action: selfUrl(request, `/f/${form.slug}`),
        attributes: await ctx.customers.attributeDefinitions(ctx.db),
        regions: regionTree(),
        ...extra,
      });
      return page(reply, status, html);
    }

    app.get<{ Params: Params; Querystring: Query }>(
      '/f/:slug',
      { config: { access: 'public' }, schema: { hide: true }, helmet },
      async (request, reply) => {
        const form = await submissions.publishedForm(request.params.slug);
        return render(request, reply, form, 200);
      },
    );

    app.post<{ Params: Params; Querystring: Query }>(
      '/f/:slug',
      {
        config: { access: 'public' },
        schema: { hide: true },
        helmet,
        bodyLimit: submissionBodyLimit,
        onRequest: limited,
      },
      async (request, reply) => {
        const form = await submissions.publishedForm(request.params.slug);
        const locale = localeOf(request, form);
        const fields: Fields = request.body && typeof request.body === 'object' ? (request.body as Fields) : {};
        const consents = tickedConsents(fields);
        const honeypot = typeof fields.website === 'string' ? fields.website : '';
        try {
          const result = await submissions.submit(form, { fields, consents, honeypot }, locale, {
            ip: request.ip,
            userAgent: request.headers['user-agent'],
          });
          const t = translator(locale);
          const message =
            result.status === 'pending' ? `${result.message}\n\n${t('formPage.checkEmail')}` : result.message;
          return page(
            reply,
            200,
            messagePage(chrome(request, pick(form.definition.title, locale), form), {
              heading: t('formPage.thanks'),
              message,
              tone: 'success',
            }),
          );
        } catch (err) {
          if (!isDomainError(err) || err.kind !== 'invalid') throw err;
          const { summary, byField } = messagesOf(err, locale);
          const t = translator(locale);
          return render(request, reply, form, 422, {
            values: { ...fields, consents },
            errors: byField,
            summary: Object.keys(byField).length ? t('formPage.problems') : summary,
          });
        }
      },
    );

    app.get<{ Params: Params; Querystring: Query & { s?: string; e?: string; sig?: string } }>(
      '/f/:slug/confirm',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const form = await submissions.formForConfirmation(request.params.slug);
        const locale = localeOf(request, form);
        const t = translator(locale);
        const title = pick(form.definition.title, locale);
        const check = await submissions.inspectLink(form, request.query);
        if (!('submission' in check)) {
          const heading = t('formPage.linkInvalidTitle');
          const code = check.status === 'expired' ? 'FORM_CONFIRM_LINK_EXPIRED' : 'FORM_CONFIRM_LINK_INVALID';
          return page(
            reply,
            400,
            messagePage(chrome(request, heading, form), { heading, message: t(`errors.${code}`), tone: 'error' }),
          );
        }
        if (check.status === 'already') {
          const heading = t('formPage.confirmedTitle');
          return page(
            reply,
            200,
            messagePage(chrome(request, title, form), {
              heading,
              message: t('formPage.alreadyConfirmed'),
              tone: 'success',
            }),
          );
        }
        const consents = check.submission.consents
          .filter((c) => c.pending)
          .map((c) => c.policyText.split('\n')[0] ?? '');
        return page(
          reply,
          200,
          confirmPage(chrome(request, title, form), {
            action: selfUrl(request, `/f/${form.slug}/confirm`),
            consents,
            link: check.link,
          }),
        );
      },
    );

    app.post<{ Params: Params; Querystring: Query }>(
      '/f/:slug/confirm',
      { config: { access: 'public' }, schema: { hide: true }, bodyLimit: 4096 },
      async (request, reply) => {
        const form = await submissions.formForConfirmation(request.params.slug);
        const locale = localeOf(request, form);
        const t = translator(locale);
        const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Fields;
        try {
          const outcome = await submissions.confirm(form, body, {
            ip: request.ip,
            userAgent: request.headers['user-agent'],
          });
          const heading = t('formPage.confirmedTitle');
          const message = outcome === 'confirmed' ? t('formPage.confirmed') : t('formPage.alreadyConfirmed');
          return page(
            reply,
            200,
            messagePage(chrome(request, pick(form.definition.title, locale), form), {
              heading,
              message,
              tone: 'success',
            }),
          );
        } catch (err) {
          if (!isDomainError(err) || err.kind !== 'invalid') throw err;
          const heading = t('formPage.linkInvalidTitle');
          return page(
            reply,
            400,
            messagePage(chrome(request, heading, form), { heading, message: t(`errors.${err.code}`), tone: 'error' }),
          );
        }
      },
    );
  };
}
