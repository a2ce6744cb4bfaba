/**
 * An init script for Playwright pages: records what the page asks to say (`speechSynthesis.speak`) or play (an
 * unmuted media element), in `window.__spoken` and `window.__played` (a headless browser has no voice or speaker),
 * and when it asked to say it (`window.__spokenAt`, ms since the epoch).
 */
import type { Page } from 'playwright-core';

export const RECORD_SOUND = `
  window.__spoken = [];
  window.__spokenAt = [];
  window.__played = [];
  if ('speechSynthesis' in window) {
    const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
    window.speechSynthesis.speak = (u) => { if (u.text.trim()) { window.__spoken.push(u.text); window.__spokenAt.push(Date.now()); } return speak(u); };
  }
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    if (!this.muted) window.__played.push(this.src);
    return play.call(this);
  };
`;

export function soundsOf(page: Page): Promise<{ spoken: string[]; spokenAt: number[]; played: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __spoken?: string[]; __spokenAt?: number[]; __played?: string[] };
    return { spoken: w.__spoken ?? [], spokenAt: w.__spokenAt ?? [], played: w.__played ?? [] };
  });
}
