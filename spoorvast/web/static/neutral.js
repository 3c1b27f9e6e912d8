/* The neutral page: nothing to do but make Back not lead into the app. */
(function () {
  "use strict";
  window.addEventListener("pageshow", function (e) { if (e.persisted) { window.location.reload(); } });
})();
