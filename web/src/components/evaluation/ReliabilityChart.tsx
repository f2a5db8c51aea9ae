import { Group, Text } from '@mantine/core';
import type { CalibrationBin } from '../../api/evaluation-types';
import { pct } from '../../lib/evaluation-format';

const W = 460;
const H = 240;
const M = { top: 12, right: 12, bottom: 44, left: 44 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
// Mantine's indigo-6 and gray-4: SVG presentation attributes do not take CSS variables everywhere.
const ACCURACY = '#4c6ef5';
const CONFIDENCE = '#ced4da';

/**
 * Reliability of the confidences: per confidence bin, the accuracy of its answers beside their mean
 * confidence. A calibrated classifier has the two bars equal, on the dashed diagonal.
 */
export function ReliabilityChart({ bins, ece }: { bins: CalibrationBin[]; ece: number }) {
  const x = (v: number) => M.left + v * PLOT_W;
  const y = (v: number) => M.top + (1 - v) * PLOT_H;
  const slot = PLOT_W / Math.max(1, bins.length);
  const bar = Math.max(4, slot / 2 - 3);
  const used = bins.filter((b) => b.count > 0);
  const summary =
    used.length === 0
      ? 'Reliability chart: no processed answers yet.'
      : `Reliability chart: accuracy against mean confidence in ${used.length} confidence bins with answers; expected calibration error ${pct(ece)}. ` +
        used
          .map(
            (b) =>
              `${pct(b.from, 0)} to ${pct(b.to, 0)}: ${b.count} answers, accuracy ${pct(b.accuracy ?? 0, 0)}, mean confidence ${pct(b.meanConfidence ?? 0, 0)}`,
          )
          .join('; ');

  return (
    <div>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        style={{ maxWidth: W, display: 'block' }}
        role="img"
        aria-label={summary}
      >
        {[0, 0.25, 0.5, 0.75, 1].map((t) => (
          <g key={t}>
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke="#e9ecef" />
            <text x={M.left - 6} y={y(t) + 4} fontSize={10} textAnchor="end" fill="#868e96">
              {pct(t, 0)}
            </text>
          </g>
        ))}
        {bins.map((b, i) => {
          const left = M.left + i * slot + (slot - 2 * bar - 2) / 2;
          const acc = b.accuracy ?? 0;
          const conf = b.meanConfidence ?? 0;
          return (
            <g key={b.from}>
              <title>
                {b.count
                  ? `Confidence ${pct(b.from, 0)}–${pct(b.to, 0)}: ${b.count} answers, accuracy ${pct(acc)}, mean confidence ${pct(conf)}`
                  : `Confidence ${pct(b.from, 0)}–${pct(b.to, 0)}: no answers`}
              </title>
              {b.count > 0 && (
                <>
                  <rect
                    x={left}
                    y={Math.min(y(acc), y(0) - 2)}
                    width={bar}
                    height={Math.max(2, y(0) - y(acc))}
                    fill={ACCURACY}
                  />
                  <rect
                    x={left + bar + 2}
                    y={y(conf)}
                    width={bar}
                    height={Math.max(0.5, y(0) - y(conf))}
                    fill={CONFIDENCE}
                  />
                </>
              )}
              <text
                x={M.left + (i + 0.5) * slot}
                y={y(0) + 12}
                fontSize={9}
                textAnchor="middle"
                fill="#868e96"
              >
                {b.count ? `n=${b.count}` : ''}
              </text>
            </g>
          );
        })}
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke="#868e96" strokeDasharray="4 3" />
        <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} stroke="#868e96" />
        {[0, 0.5, 1].map((t) => (
          <text
            key={t}
            x={x(t)}
            y={y(0) + 24}
            fontSize={10}
            textAnchor={t === 0 ? 'start' : t === 1 ? 'end' : 'middle'}
            fill="#868e96"
          >
            {pct(t, 0)}
          </text>
        ))}
        <text x={M.left + PLOT_W / 2} y={H - 4} fontSize={11} textAnchor="middle" fill="#495057">
          confidence
        </text>
        <text
          x={12}
          y={M.top + PLOT_H / 2}
          fontSize={11}
          textAnchor="middle"
          fill="#495057"
          transform={`rotate(-90 12 ${M.top + PLOT_H / 2})`}
        >
          accuracy
        </text>
      </svg>
      <Group gap="md" mt={4}>
        <Key color={ACCURACY}>accuracy of the bin</Key>
        <Key color={CONFIDENCE}>mean confidence</Key>
        <Text size="xs" c="dimmed">
          dashed: perfectly calibrated
        </Text>
      </Group>
    </div>
  );
}

function Key({ color, children }: { color: string; children: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <span aria-hidden style={{ display: 'inline-block', width: 12, height: 12, background: color }} />
      <Text size="xs" c="dimmed">
        {children}
      </Text>
    </Group>
  );
}
