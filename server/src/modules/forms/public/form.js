/* global document, window, ResizeObserver */
// Kehu public form: cities follow the chosen province, one submit at a time, and, when the page
// sits in an iframe, its height is told to the embedding page (see embed.js).
(function () {
  'use strict';

  var province = document.getElementById('f-province');
  var city = document.getElementById('f-city');
  if (province && city) {
    // the server lists every city grouped by province; show only the chosen province's
    var placeholder = city.querySelector('option[value=""]');
    var byProvince = {};
    Array.prototype.forEach.call(city.querySelectorAll('optgroup'), function (group) {
      byProvince[group.label] = Array.prototype.slice.call(group.children);
    });
    var syncCities = function () {
      var chosen = city.value;
      while (city.firstChild) city.removeChild(city.firstChild);
      if (placeholder) city.appendChild(placeholder);
      (byProvince[province.value] || []).forEach(function (option) {
        city.appendChild(option);
      });
      city.value = chosen;
      if (city.value !== chosen) city.value = '';
      city.disabled = !province.value;
    };
    province.addEventListener('change', syncCities);
    syncCities();
  }

  Array.prototype.forEach.call(document.querySelectorAll('form.kf-form'), function (form) {
    form.addEventListener('submit', function () {
      var button = form.querySelector('button[type=submit]');
      if (!button) return;
      // after the browser has taken the form's values
      window.setTimeout(function () {
        button.disabled = true;
        button.textContent = button.getAttribute('data-busy') || button.textContent;
      }, 0);
    });
  });

  if (window.parent !== window) {
    var last = 0;
    var report = function () {
      // the body's own height, not the document's: that never falls below the frame's current height
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      window.parent.postMessage(
        { type: 'kehu-form:resize', slug: document.body.getAttribute('data-slug'), height: height },
        '*',
      );
    };
    window.addEventListener('load', report);
    window.addEventListener('resize', report);
    if (typeof ResizeObserver === 'function') new ResizeObserver(report).observe(document.body);
    report();
  }
})();
