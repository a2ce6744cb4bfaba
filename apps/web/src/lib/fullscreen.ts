/** The browser's full screen (the Fullscreen API): one element at a time; asking for the one shown leaves it. */
export async function toggleFullscreen(element: Element | null): Promise<void> {
  if (!element) return;
  try {
    if (document.fullscreenElement === element) await document.exitFullscreen();
    else await element.requestFullscreen();
  } catch {
    // Refused (no user gesture, an iframe, a browser without it): the page stays as it is.
  }
}
