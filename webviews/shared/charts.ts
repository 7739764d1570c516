// The charts every report draws (the dashboard, App Analytics usage): plain SVG in the theme's chart
// colours, an image with its numbers in its aria-label, and its styles (`chartStyles`). Each page also
// gives the numbers as text (a table or a list) for screen readers.
//
// The theme's chart tokens that stand 3:1 against the editor background (WCAG 1.4.11) in the light, dark
// and high-contrast themes, as test/e2e/contrast.test.ts measures. charts.orange measured 2.94:1 on
// Light Modern, 1.57:1 on Dark Modern (dark brown) and 1:1 on Dark High Contrast (black);
// disabledForeground, half transparent, 1.92:1 on Light Modern: neither is used.
import { css, html, svg, type TemplateResult } from 'lit';

export const chartColours = {
  green: 'var(--vscode-charts-green)',
  blue: 'var(--vscode-charts-blue)',
  red: 'var(--vscode-charts-red)',
  purple: 'var(--vscode-charts-purple)',
  foreground: 'var(--vscode-charts-foreground)',
} as const;

export const formatNumber = (n: number): string => n.toLocaleString('en-US');

const WIDTH = 560;

export interface Bar {
  label: string;
  value: number;
  /** Drawn after the bar (default: the value). */
  text?: string;
  colour?: string;
}

/** Horizontal bars, one a row: the label, the bar, its value. */
export function barChart(options: {
  label: string;
  bars: readonly Bar[];
  colour: string;
  /** Room for the labels (px of 560). */
  labelWidth: number;
  rowHeight?: number;
}): TemplateResult {
  const { bars, labelWidth } = options;
  const row = options.rowHeight ?? 24;
  const room = WIDTH - labelWidth - 90;
  const max = Math.max(1, ...bars.map((b) => b.value));
  return html`<svg
    class="chart"
    role="img"
    aria-label="${options.label}: ${bars.map((b) => `${b.label} ${b.value}`).join(', ')}"
    viewBox="0 0 ${WIDTH} ${bars.length * row}"
  >
    ${bars.map(
      (b, i) => svg`
        <text x="0" y=${i * row + row - 8} class="label">${b.label}</text>
        <rect x=${labelWidth} y=${i * row + 4} height=${row - 8} width=${Math.max(1, (b.value / max) * room)} fill=${b.colour ?? options.colour}></rect>
        <text x=${labelWidth + 6 + (b.value / max) * room} y=${i * row + row - 8} class="value">${b.text ?? formatNumber(b.value)}</text>`,
    )}
  </svg>`;
}

export interface Column {
  /** Its tooltip's name (a month, a week). */
  key: string;
  value: number;
}

/**
 * Vertical columns over time, the largest value at the top left; each column's value under it
 * (`valuesUnder`) or the first and last keys under the axis.
 */
export function columnChart(options: {
  label: string;
  columns: readonly Column[];
  colour: string;
  height: number;
  valuesUnder?: boolean;
}): TemplateResult {
  const { columns, height } = options;
  const max = Math.max(1, ...columns.map((c) => c.value));
  const bar = (WIDTH - 40) / Math.max(columns.length, 1);
  return html`<svg class="chart" role="img" aria-label=${options.label} viewBox="0 0 ${WIDTH} ${height + 20}">
    ${columns.map((c, i) => {
      const h = (c.value / max) * height;
      return svg`<rect x=${30 + i * bar} y=${height - h} width=${bar - 3} height=${Math.max(h, 0.5)} fill=${options.colour}><title>${c.key}: ${c.value}</title></rect>
        ${options.valuesUnder ? svg`<text x=${30 + i * bar} y=${height + 14} class="value">${formatNumber(c.value)}</text>` : ''}`;
    })}
    <text x="0" y="12" class="value">${formatNumber(max)}</text>
    ${
      options.valuesUnder
        ? ''
        : svg`<text x="30" y=${height + 16} class="value">${columns[0]?.key ?? ''}</text>
        <text x=${WIDTH - 80} y=${height + 16} class="value">${columns.at(-1)?.key ?? ''}</text>`
    }
  </svg>`;
}

/** A share of a whole as one bar on its track, and its percentage. */
export function shareBar(options: {
  label: string;
  share: number;
  colour: string;
  text: string;
}): TemplateResult {
  const track = WIDTH - 100;
  return html`<svg class="chart" role="img" aria-label=${options.label} viewBox="0 0 ${WIDTH} 30">
    <rect
      class="track"
      x="0"
      y="4"
      width=${track}
      height="20"
      fill="var(--vscode-editorWidget-background)"
      stroke="var(--vscode-panel-border)"
    ></rect>
    <rect x="0" y="4" width=${options.share * track} height="20" fill=${options.colour}></rect>
    <text x=${WIDTH - 92} y="19" class="value">${options.text}</text>
  </svg>`;
}

/** The charts' styles, and their tables'. */
export const chartStyles = css`
  .chart {
    width: 100%;
    max-width: 560px;
  }
  .label,
  .value {
    fill: var(--vscode-foreground);
    font-size: 12px;
  }
  table {
    border-collapse: collapse;
  }
  td,
  th {
    text-align: left;
    padding: 0.1rem 0.75rem 0.1rem 0;
  }
`;
