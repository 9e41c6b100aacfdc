/**
 * The floor of a React page's opening: React DOM evaluated, one element rendered, nothing else.
 * Built by e2e/floor-page.ts as the dashboard is (Vite, production), and opened beside it by the
 * scale spec: the dashboard's first script evaluation is held to this page's, measured in the
 * same run under the same load. It marks the end of its evaluation as the dashboard does.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

performance.mark('relay-hub:script-evaluated');
const root = document.getElementById('root');
if (root === null) throw new Error('no #root');
setTimeout(() => createRoot(root).render(createElement('p', { 'data-testid': 'floor' }, 'React DOM alone')), 0);
