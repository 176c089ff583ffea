/** Shown instead of the app when dist/renderer/ has not been built. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kernel Lab</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>Kernel Lab</h1>
<p>renderer not built — run <code>npm run build:renderer</code> and reload this page.</p>
<p>The lab service is running: its WebSocket API is at <code>/api</code>.</p>
</body></html>
`;

/**
 * The browser-mode Content-Security-Policy: only this origin's scripts, no
 * eval, no plugins, no framing; inline styles allowed (ECharts and Vue set
 * style attributes); the WebSocket back to this server.
 */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
