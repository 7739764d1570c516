// Contrast in the webviews as the e2e tests measure it: the themes by their picker labels, each visible
// text's colour over the background behind it with WCAG 2's formula (4.5:1 at least), and the steps that
// switch the theme and find the visible webview's frame.
import type { Frame, Page } from 'playwright-core';

/** The themes as VS Code's theme picker names them, and the classes the workbench and webviews then carry. */
export const themes = [
  { label: 'Light Modern', workbenchClass: 'vs', bodyClass: 'vscode-light' },
  { label: 'Dark Modern', workbenchClass: 'vs-dark', bodyClass: 'vscode-dark' },
  { label: 'Dark High Contrast', workbenchClass: 'hc-black', bodyClass: 'vscode-high-contrast' },
] as const;

export const MINIMUM = 4.5;

export interface Measure {
  text: string;
  element: string;
  foreground: string;
  background: string;
  ratio: number;
}

/**
 * Runs in the webview: every visible, non-empty text node (through shadow roots, slots included),
 * its colour (`fill` in SVG) blended by the opacity of its ancestors over the first opaque
 * background behind it, and the WCAG 2 contrast ratio. Text of disabled controls is exempt (WCAG 1.4.3).
 */
export const colourHelpers = `
  const parse = (value) => {
    const m = /^rgba?\\(([\\d.]+),?\\s*([\\d.]+),?\\s*([\\d.]+)(?:,?\\s*\\/?\\s*([\\d.]+%?))?\\)$/.exec(value.trim());
    if (!m) return undefined;
    const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return { r: +m[1], g: +m[2], b: +m[3], a };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const luminance = (c) => {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const show = (c) => 'rgb(' + Math.round(c.r) + ', ' + Math.round(c.g) + ', ' + Math.round(c.b) + ')';
  const parentOf = (el) => el.assignedSlot || el.parentElement || (el.parentNode && el.parentNode.host) || null;
  const pageBackground = () => {
    const body = parse(getComputedStyle(document.body).backgroundColor);
    if (body && body.a > 0) return body;
    return parse(getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim().replace(/^#(..)(..)(..)$/, (_, r, g, b) => 'rgb(' + parseInt(r, 16) + ', ' + parseInt(g, 16) + ', ' + parseInt(b, 16) + ')')) || { r: 255, g: 255, b: 255, a: 1 };
  };
  const backgroundBehind = (el) => {
    const layers = [];
    for (let e = el; e; e = parentOf(e)) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
    }
    let colour = layers.length && layers[layers.length - 1].a >= 1 ? layers.pop() : pageBackground();
    while (layers.length) colour = over(layers.pop(), colour);
    return colour;
  };
  const label = (el) => el.localName + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + Array.from(el.classList).join('.') : '');
`;

export const measureScript = `(() => {
${colourHelpers}  const results = [];
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (node.shadowRoot) visit(node.shadowRoot);
        continue;
      }
      const text = node.textContent.trim();
      const el = node.parentElement;
      if (!text || !el || ['STYLE', 'SCRIPT', 'TITLE'].includes(el.tagName) || el.closest('title')) continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      let disabled = false;
      let opacity = 1;
      for (let e = el; e; e = parentOf(e)) {
        if (e.hasAttribute('disabled') || e.getAttribute('aria-disabled') === 'true') disabled = true;
        opacity *= parseFloat(getComputedStyle(e).opacity);
      }
      if (disabled) continue;
      const style = getComputedStyle(el);
      const colour = parse(el instanceof SVGElement ? style.fill : style.color);
      const background = backgroundBehind(el);
      if (!colour) { results.push({ text, element: label(el), foreground: style.color, background: show(background), ratio: 0 }); continue; }
      const foreground = over({ ...colour, a: colour.a * opacity }, background);
      const [hi, lo] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
      results.push({ text: text.slice(0, 80), element: label(el), foreground: show(foreground), background: show(background), ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 });
    }
  };
  visit(document.body);
  return results;
})()`;

/** Picks the theme in VS Code's theme picker (Ctrl+K Ctrl+T), as a user would. */
export async function switchTheme(page: Page, theme: (typeof themes)[number]): Promise<void> {
  if (await page.locator(`.monaco-workbench.${theme.workbenchClass}`).count()) return;
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(theme.label);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme.label }).first().waitFor();
  await input.press('Enter');
  await page.locator(`.monaco-workbench.${theme.workbenchClass}`).waitFor();
}

/** The frame of the visible webview (hidden panels keep their iframes). */
export async function visibleWebview(page: Page): Promise<Frame> {
  const outer = page.locator('iframe.webview.ready:visible');
  const body = await outer
    .contentFrame()
    .locator('#active-frame')
    .contentFrame()
    .locator('body')
    .elementHandle();
  return (await body!.ownerFrame())!;
}
