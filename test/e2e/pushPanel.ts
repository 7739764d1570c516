// The push upgrade panel as a keyboard user drives it, for the push e2e tests: what has the focus, Tab
// until a control has it, the typed confirmation in VS Code's input box.
import type { Frame, FrameLocator, Page } from 'playwright-core';

/** What has the focus in the webview, through the shadow roots: `vscode-radio[value=all]`, `input`… */
export async function focused(frame: Frame): Promise<string[]> {
  return frame.evaluate(`(() => {
    const chain = [];
    let el = document.activeElement;
    while (el) {
      const value = el.getAttribute('value');
      chain.push(el.localName + (el.id ? '#' + el.id : '') + (value ? '[value=' + value + ']' : ''));
      el = el.shadowRoot ? el.shadowRoot.activeElement : null;
    }
    return chain;
  })()`);
}

/** Presses Tab until the focused control matches, as a keyboard user would (at most 40 presses). */
export async function tabTo(page: Page, frame: Frame, control: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if ((await focused(frame)).includes(control)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${control}: the focus is on ${(await focused(frame)).join(' > ')}`);
}

export async function frameOf(panel: FrameLocator): Promise<Frame> {
  const body = await panel.locator('body').elementHandle();
  return (await body!.ownerFrame())!;
}

/** The typed confirmation in VS Code's input box, typed once it has the focus, then Enter. */
export async function confirmTyped(page: Page, phrase: string): Promise<void> {
  const quickPick = page.locator('.quick-input-widget');
  await quickPick.locator('.quick-input-title', { hasText: 'confirm' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(`document.activeElement?.matches('.quick-input-widget input.input') ?? false`);
  await page.keyboard.type(phrase);
  await page.keyboard.press('Enter');
}
