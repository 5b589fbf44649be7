// Starts GraphiQL on the page `GET /graphql` serves. It is a file of its own, not an inline script, so
// that the page's Content-Security-Policy can allow scripts from this origin only.
(function () {
  'use strict';
  var endpoint = new URL('/graphql', window.location.origin).toString();
  // GraphiQL's fetcher POSTs JSON (Content-Type: application/json, the only body /graphql takes);
  // same-origin credentials send the session cookie with it and to nowhere else.
  var sameOrigin = function (url, options) {
    return window.fetch(url, Object.assign({}, options, { credentials: 'same-origin' }));
  };
  var fetcher = window.GraphiQL.createFetcher({ url: endpoint, fetch: sameOrigin });
  window.ReactDOM.createRoot(document.getElementById('graphiql')).render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
    }),
  );
})();
