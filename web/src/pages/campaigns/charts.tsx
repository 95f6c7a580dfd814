// ECharts from its modular build: only the funnel and bar charts this dashboard draws.
import { BarChart, FunnelChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

echarts.use([FunnelChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export function Chart({ option, height = 280, label }: { option: echarts.EChartsCoreOption; height?: number; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: "canvas" });
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [option]);
  return <div ref={ref} role="img" aria-label={label} style={{ height, width: "100%" }} />;
}

export function funnelOption(stages: Record<string, number>): echarts.EChartsCoreOption {
  const data = Object.entries(stages).map(([name, value]) => ({ name, value })).sort((a, b) => b.value - a.value);
  return {
    tooltip: { trigger: "item", formatter: "{b}：{c} 人" },
    series: [{ type: "funnel", left: "10%", width: "80%", sort: "descending", label: { formatter: "{b} {c}" }, data }],
  };
}

export function barOption(values: Record<string, number>): echarts.EChartsCoreOption {
  const names = Object.keys(values);
  return {
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 16, top: 16, bottom: 40 },
    xAxis: { type: "category", data: names },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: names.map((n) => values[n]), barMaxWidth: 40 }],
  };
}
