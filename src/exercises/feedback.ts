import { escapeHtml } from '../core/html';
import { displayHtml } from '../notebook/display';
import { Feedback } from './verdict';

/** Shows a checker's verdict as a coloured box in the notebook (dark text on a light box, whatever the theme around it). */
export function feedback(f: Feedback): void {
  const [bg, border, mark] = f.ok ? ['#e8f5e9', '#2e7d32', '✔'] : ['#fff4e5', '#b26a00', '✘'];
  const text = escapeHtml(f.message);
  displayHtml(`<div class="course-feedback" style="background:${bg};color:#1f2328;border-left:4px solid ${border};padding:.5rem .8rem;font:14px/1.5 system-ui,sans-serif">${mark} ${text}</div>`);
}
