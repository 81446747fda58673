"use client";

import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const monthLabel = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-US", { month: "short", timeZone: "UTC" });

export function RevenueChart({ data, currency }: { data: { month: string; amount: number }[]; currency: string }) {
  const format = (v: number) => new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(v);
  return (
    <figure aria-label={`Revenue by month, ${currency}`}>
      <div className="h-64">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="month" tickFormatter={monthLabel} tickLine={false} axisLine={false} fontSize={12} />
            <YAxis tickFormatter={format} tickLine={false} axisLine={false} fontSize={12} width={72} />
            <Tooltip formatter={(v) => format(Number(v))} labelFormatter={(m) => monthLabel(String(m))} />
            <Bar dataKey="amount" name="Revenue" fill="#4f46e5" radius={[4, 4, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      {/* The numbers behind the chart, for screen readers and anyone who wants them. */}
      <figcaption className="sr-only">{data.map((d) => `${d.month}: ${format(d.amount)}`).join("; ")}</figcaption>
    </figure>
  );
}

export function MembersChart({ data }: { data: { month: string; members: number; paying: number }[] }) {
  return (
    <figure aria-label="Members over time">
      <div className="h-64">
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="month" tickFormatter={monthLabel} tickLine={false} axisLine={false} fontSize={12} />
            <YAxis allowDecimals={false} tickLine={false} axisLine={false} fontSize={12} width={40} />
            <Tooltip labelFormatter={(m) => monthLabel(String(m))} />
            <Legend />
            <Area type="monotone" dataKey="members" name="Members" stroke="#94a3b8" fill="#e2e8f0" isAnimationActive={false} />
            <Area type="monotone" dataKey="paying" name="Paying" stroke="#4f46e5" fill="#c7d2fe" isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">{data.map((d) => `${d.month}: ${d.members} members, ${d.paying} paying`).join("; ")}</figcaption>
    </figure>
  );
}
