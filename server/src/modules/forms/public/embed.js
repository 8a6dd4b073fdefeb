/* global document, window */
// Embeds a Kehu form where this script stands:
//   <script src="https://kehu.example.com/f/embed.js" data-kehu-form="spring-signup" async></script>
// Optional: data-lang="en" | "zh-CN", data-title="…" (the iframe's accessible name).
// The iframe grows to fit its form (the form page posts its height; only this origin is heard).
(function () {
  'use strict';
  var current = document.currentScript;
  var scripts = current ? [current] : Array.prototype.slice.call(document.querySelectorAll('script[data-kehu-form]'));
  var frames = [];
  scripts.forEach(function (script) {
    var slug = script.getAttribute('data-kehu-form') || '';
    if (!/^[a-z0-9][a-z0-9-]{2,49}$/.test(slug) || script.getAttribute('data-kehu-embedded')) return;
    script.setAttribute('data-kehu-embedded', '1');
    var origin = new URL(script.src, window.location.href).origin;
    var lang = script.getAttribute('data-lang');
    var iframe = document.createElement('iframe');
    iframe.src = origin + '/f/' + slug + '?embed=1' + (lang === 'en' || lang === 'zh-CN' ? '&lang=' + lang : '');
    iframe.title = script.getAttribute('data-title') || slug;
    iframe.setAttribute('loading', 'lazy');
    iframe.style.width = '100%';
    iframe.style.height = '640px';
    iframe.style.border = '0';
    iframe.style.display = 'block';
    script.parentNode.insertBefore(iframe, script.nextSibling);
    frames.push({ iframe: iframe, origin: origin });
  });
  if (!frames.length) return;
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || data.type !== 'kehu-form:resize' || typeof data.height !== 'number') return;
    frames.forEach(function (f) {
      if (event.origin !== f.origin || event.source !== f.iframe.contentWindow) return;
      f.iframe.style.height = Math.min(Math.max(Math.round(data.height), 120), 20000) + 'px';
    });
  });
})();
