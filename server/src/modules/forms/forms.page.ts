import { translator } from '../../platform/i18n/i18n.ts';
import type { AttributeDefinitionRef, RegionNode } from '../customers/index.ts';
import { pick, type FormDefinition, type FormField, type FormLocale } from './forms.definition.ts';
import './forms.messages.ts';

/**
 * The public pages, rendered on the server as plain HTML: no inline script or style (the CSP
 * allows only files from this server), readable without JavaScript, sized for phones. Every
 * value that came from a person or a builder is escaped.
 */

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => entities[c]!);

/** Paragraphs and line breaks of a plain text, escaped. */
function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

const idOf = (key: string) => `f-${key.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

export type PageChrome = { locale: FormLocale; title: string; embed: boolean; slug?: string };

function layout(chrome: PageChrome, body: string): string {
  const t = translator(chrome.locale);
  return `<!doctype html>
<html lang="${esc(chrome.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(chrome.title)}</title>
<link rel="stylesheet" href="/f/assets/form.css">
<script src="/f/assets/form.js" defer></script>
</head>
<body class="kf-body${chrome.embed ? ' kf-embed' : ''}" data-slug="${esc(chrome.slug ?? '')}">
<main class="kf-card">
${body}
</main>
<footer class="kf-footer">${esc(t('formPage.poweredBy'))}</footer>
</body>
</html>
`;
}

/** A page with a heading and a message: thanks, closed, not found, too many tries. */
export function messagePage(
  chrome: PageChrome,
  opts: { heading: string; message: string; tone: 'success' | 'info' | 'error' },
): string {
  return layout(
    chrome,
    `<div class="kf-message kf-${opts.tone}" role="${opts.tone === 'error' ? 'alert' : 'status'}">
<h1>${esc(opts.heading)}</h1>
${paragraphs(opts.message)}
</div>`,
  );
}

export type FormPageModel = {
  definition: FormDefinition;
  slug: string;
  locale: FormLocale;
  embed: boolean;
  /** Where the form posts (keeps `lang` and `embed`). */
  action: string;
  attributes: readonly AttributeDefinitionRef[];
  regions: readonly RegionNode[];
  /** What was typed, shown again after a refused submission. */
  values?: Record<string, unknown>;
  errors?: Record<string, string>;
  summary?: string;
};

const asList = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map((x) => String(x));
const first = (v: unknown): string => asList(v)[0] ?? '';

function option(value: string, label: string, selected: boolean): string {
  return `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
}

/** The input(s) of one field; `described` links the error message for screen readers. */
function control(field: FormField, m: FormPageModel, described: string): string {
  const t = translator(m.locale);
  const id = idOf(field.key);
  const name = esc(field.key);
  const value = m.values?.[field.key];
  const placeholder = field.placeholder ? pick(field.placeholder, m.locale) : '';
  const invalid = m.errors?.[field.key] ? ' aria-invalid="true"' : '';
  const req = field.required ? ' aria-required="true"' : '';
  const attrs = `id="${id}" name="${name}"${placeholder ? ` placeholder="${esc(placeholder)}"` : ''}${invalid}${req}${described}`;
  const input = (type: string, extra = '') => `<input type="${type}" ${attrs} value="${esc(first(value))}"${extra}>`;
  const choose = option('', t('formPage.choose'), false);

  switch (field.key) {
    case 'mobile':
      return input('tel', ' inputmode="tel" autocomplete="tel" maxlength="30"');
    case 'email':
      return input('email', ' inputmode="email" autocomplete="email" maxlength="254"');
    case 'name':
      return input('text', ' autocomplete="name" maxlength="100"');
    case 'birthday':
      return input('date', ' autocomplete="bday" max="9999-12-31"');
    case 'address':
      return input('text', ' autocomplete="street-address" maxlength="200"');
    case 'gender': {
      const current = first(value);
      return `<div class="kf-choices" role="radiogroup"${described}>${(['female', 'male', 'unknown'] as const)
        .map(
          (g) =>
            `<label class="kf-check"><input type="radio" name="gender" value="${g}"${current === g ? ' checked' : ''}> ${esc(t(`formPage.gender.${g}`))}</label>`,
        )
        .join('')}</div>`;
    }
    case 'region': {
      const province = first(m.values?.province);
      const city = first(m.values?.city);
      const provinces = m.regions.map((p) => option(p.name, p.name, p.name === province)).join('');
      // grouped by province: without JavaScript the groups still say which city is where
      const cities = m.regions
        .map(
          (p) =>
            `<optgroup label="${esc(p.name)}">${(p.children ?? [])
              .map((c) => option(c.name, c.name, p.name === province && c.name === city))
              .join('')}</optgroup>`,
        )
        .join('');
      return `<div class="kf-row">
<select id="f-province" name="province" aria-label="${esc(t('formPage.province'))}"${invalid}${req}${described}>${choose}${provinces}</select>
<select id="f-city" name="city" aria-label="${esc(t('formPage.city'))}"${invalid}${described}>${choose}${cities}</select>
</div>`;
    }
    default:
      break;
  }

  if (field.key.startsWith('attributes.')) {
    const def = m.attributes.find((d) => `attributes.${d.key}` === field.key);
    if (!def) return '';
    switch (def.type) {
      case 'number':
        return input('text', ' inputmode="decimal" maxlength="30"');
      case 'date':
        return input('date', ' max="9999-12-31"');
      case 'choice':
        return `<select ${attrs}>${choose}${def.options
          .map((o) => option(o.value, o.label, first(value) === o.value))
          .join('')}</select>`;
      case 'multi_choice': {
        const chosen = new Set(asList(value));
        return `<div class="kf-choices" role="group"${described}>${def.options
          .map(
            (o) =>
              `<label class="kf-check"><input type="checkbox" name="${name}" value="${esc(o.value)}"${chosen.has(o.value) ? ' checked' : ''}> ${esc(o.label)}</label>`,
          )
          .join('')}</div>`;
      }
      default:
        return input('text', ' maxlength="500"');
    }
  }
  return input('text', ' maxlength="100"');
}

/** The form itself, empty or with what was typed and what was wrong. */
export function formPage(m: FormPageModel): string {
  const t = translator(m.locale);
  const d = m.definition;
  const title = pick(d.title, m.locale);
  const fieldHtml = d.fields
    .map((field) => {
      if (field.key.startsWith('attributes.') && !m.attributes.some((a) => `attributes.${a.key}` === field.key)) {
        return '';
      }
      const error = m.errors?.[field.key];
      const errId = `${idOf(field.key)}-error`;
      const described = error ? ` aria-describedby="${errId}"` : '';
      const labelFor = field.key === 'gender' || field.key.startsWith('attributes.') ? '' : idOf(field.key);
      const forAttr = field.key === 'region' ? ' for="f-province"' : labelFor ? ` for="${labelFor}"` : '';
      return `<div class="kf-field${error ? ' kf-has-error' : ''}">
<label class="kf-label"${forAttr}>${esc(pick(field.label, m.locale))}${field.required ? ` <span class="kf-req" title="${esc(t('formPage.required'))}">*</span>` : ''}</label>
${control(field, m, described)}
${error ? `<p class="kf-error" id="${errId}">${esc(error)}</p>` : ''}
</div>`;
    })
    .join('\n');

  const ticked = new Set(asList(m.values?.consents));
  const consentHtml = d.consents
    .map((c) => {
      const key = `consent.${c.id}`;
      const error = m.errors?.[key];
      const policy = pick(c.policyText, m.locale);
      return `<div class="kf-field kf-consent${error ? ' kf-has-error' : ''}">
<label class="kf-check"><input type="checkbox" name="${esc(key)}" value="1"${ticked.has(c.id) ? ' checked' : ''}${error ? ` aria-invalid="true" aria-describedby="${idOf(key)}-error"` : ''}> <span>${esc(pick(c.label, m.locale))}${c.required ? ' <span class="kf-req">*</span>' : ''}</span></label>
${policy ? `<details class="kf-policy"><summary>${esc(t('formPage.policy'))}${c.policyVersion ? ` (${esc(c.policyVersion)})` : ''}</summary>${paragraphs(policy)}</details>` : ''}
${error ? `<p class="kf-error" id="${idOf(key)}-error">${esc(error)}</p>` : ''}
</div>`;
    })
    .join('\n');

  return layout(
    { locale: m.locale, title, embed: m.embed, slug: m.slug },
    `<h1>${esc(title)}</h1>
${paragraphs(pick(d.description, m.locale))}
${m.summary ? `<div class="kf-alert" role="alert">${esc(m.summary)}</div>` : ''}
<form class="kf-form" method="post" action="${esc(m.action)}" novalidate accept-charset="utf-8">
${fieldHtml}
${consentHtml}
<div class="kf-hp" aria-hidden="true"><label>${esc(t('formPage.honeypot'))} <input type="text" name="website" tabindex="-1" autocomplete="off"></label></div>
<button type="submit" class="kf-submit" data-busy="${esc(t('formPage.submitting'))}">${esc(pick(d.submitLabel, m.locale))}</button>
</form>`,
  );
}

/** The page a confirmation link opens: what will be confirmed, and one button (a GET never confirms). */
export function confirmPage(
  chrome: PageChrome,
  opts: { action: string; consents: string[]; link: { s: string; e: string; sig: string } },
): string {
  const t = translator(chrome.locale);
  return layout(
    chrome,
    `<h1>${esc(t('formPage.confirmTitle'))}</h1>
<p>${esc(t('formPage.confirmIntro'))}</p>
<ul class="kf-list">${opts.consents.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>
<form class="kf-form" method="post" action="${esc(opts.action)}">
<input type="hidden" name="s" value="${esc(opts.link.s)}">
<input type="hidden" name="e" value="${esc(opts.link.e)}">
<input type="hidden" name="sig" value="${esc(opts.link.sig)}">
<button type="submit" class="kf-submit" data-busy="${esc(t('formPage.submitting'))}">${esc(t('formPage.confirmButton'))}</button>
</form>`,
  );
}
