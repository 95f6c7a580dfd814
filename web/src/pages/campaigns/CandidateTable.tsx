import { Button, Select, Space, Table } from "antd";
import { useState } from "react";
import type { Page } from "../../api/types";
import { download, toCsv } from "../../lib/csv";
import type { CandidateRow } from "./api";
import { CandidateDocuments } from "./Documents";

interface Props {
  data: Page<CandidateRow> | undefined;
  loading: boolean;
  awardName: (code: string) => string;
  fileName: string;
}

export function CandidateTable({ data, loading, awardName, fileName }: Props) {
  const [stage, setStage] = useState<string | undefined>();
  const items = data?.items ?? [];
  const stages = [...new Set(items.map((c) => c.stage))];
  const shown = stage ? items.filter((c) => c.stage === stage) : items;
  function exportCsv() {
    const rows = shown.map((c) => [c.name, c.unit, awardName(c.award_type), c.candidate_type, c.tags.join("、"), c.stage, c.outcome]);
    download(`${fileName}-推荐对象.csv`, toCsv(["名称", "推荐单位", "类别", "对象类型", "标签", "环节", "结果"], rows));
  }
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Select allowClear placeholder="按环节筛选" aria-label="按环节筛选" style={{ width: 200 }} value={stage} onChange={setStage}
          options={stages.map((s) => ({ value: s, label: s }))} />
        <Button onClick={exportCsv} disabled={!shown.length}>导出 CSV</Button>
      </Space>
      <Table<CandidateRow>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={shown}
        locale={{ emptyText: "暂无推荐对象" }}
        pagination={{ pageSize: 20, showTotal: (t) => `共 ${t} 项` }}
        columns={[
          { title: "名称", dataIndex: "name" },
          { title: "推荐单位", dataIndex: "unit" },
          { title: "类别", dataIndex: "award_type", render: awardName },
          { title: "标签", dataIndex: "tags", render: (tags: string[]) => tags.join("、") || "—" },
          { title: "环节", dataIndex: "stage" },
          { title: "结果", dataIndex: "outcome", render: (v) => v ?? "进行中" },
          { title: "材料", key: "documents", render: (_, c) => <CandidateDocuments candidateId={c.id} /> },
        ]}
      />
    </>
  );
}
