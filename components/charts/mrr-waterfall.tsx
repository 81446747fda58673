"use client";

import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

type Movement = { month: string; mrr: number; new: number; reactivated: number; expansion: number; contraction: number; churned: number };

/**
 * One month's MRR as a waterfall: the month before's MRR, each movement as a
 * step up or down from where the previous one ended, then the month's MRR.
 */
export function MrrWaterfall({ previous, movement, currency }: { previous: number; movement: Movement; currency: string }) {
  const format = (v: number) => new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(v);
  const steps: { name: string; delta: number; fill: string }[] = [
    { name: "New", delta: movement.new, fill: "#16a34a" },
    { name: "Reactivated", delta: movement.reactivated, fill: "#22c55e" },
    { name: "Expansion", delta: movement.expansion, fill: "#4ade80" },
    { name: "Contraction", delta: -movement.contraction, fill: "#f97316" },
    { name: "Churned", delta: -movement.churned, fill: "#dc2626" },
  ];
  // Each bar is a range [from, to]: where the running total stood before and after the step.
  let level = previous;
  const data: { name: string; range: [number, number]; amount: number; fill: string }[] = [
    { name: "Month before", range: [0, previous], amount: previous, fill: "#94a3b8" },
  ];
  for (const step of steps) {
    const next = level + step.delta;
    data.push({ name: step.name, range: [Math.min(level, next), Math.max(level, next)], amount: step.delta, fill: step.fill });
    level = next;
  }
  data.push({ name: "End of month", range: [0, movement.mrr], amount: movement.mrr, fill: "#4f46e5" });
  return (
    <figure aria-label={`MRR movements, ${movement.month}, ${currency}`}>
      <div className="h-64">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            {/* Slanted, so seven labels fit a phone's width. */}
            <XAxis dataKey="name" tickLine={false} axisLine={false} fontSize={11} interval={0} angle={-30} textAnchor="end" height={56} />
            <YAxis tickFormatter={format} tickLine={false} axisLine={false} fontSize={12} width={64} />
            <Tooltip formatter={(_v, _key, item) => format((item.payload as { amount: number }).amount)} cursor={{ fill: "#f1f5f9" }} />
            <Bar dataKey="range" name="MRR" isAnimationActive={false} radius={[3, 3, 0, 0]}>
              {data.map((d) => (
                <Cell key={d.name} fill={d.fill} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">
        {`Last month ${format(previous)}; ` +
          steps.map((s) => `${s.name} ${s.delta >= 0 ? "+" : "−"}${format(Math.abs(s.delta))}`).join("; ") +
          `; this month ${format(movement.mrr)}`}
      </figcaption>
    </figure>
  );
}
