// Start Swagger UI on /openapi.json (a file, not an inline script: the CSP allows only 'self').
window.addEventListener("load", function () {
  window.ui = window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
});
