import { Space, Typography } from "antd";

/** Where the server generates a printable document (engine/documents), downloaded same-origin with the session cookie. */
export function documentUrl(kind: string, target: string, format: string): string {
  return `/api/documents/${kind}/${encodeURIComponent(target)}?format=${format}`;
}

const CAMPAIGN_DOCUMENTS: [kind: string, label: string, format: string][] = [
  ["summary", "推荐对象汇总表（Excel）", "xlsx"],
  ["decision", "表彰名单（Word）", "docx"],
  ["report", "推荐工作情况报告初稿（Word）", "docx"],
  ["photos", "照片（按通知规则命名，zip）", "zip"],
];

/** The campaign's paper: a unit's staff print only their own unit's summary; the rest is the office's. */
export function CampaignDocuments({ campaignId, role }: { campaignId: string; role: string }) {
  const shown = role === "staff" ? CAMPAIGN_DOCUMENTS.slice(0, 1) : CAMPAIGN_DOCUMENTS;
  return (
    <Space wrap>
      {shown.map(([kind, label, format]) => (
        <Typography.Link key={kind} href={documentUrl(kind, campaignId, format)} download>{label}</Typography.Link>
      ))}
    </Space>
  );
}

/** A candidate's paper: its 推荐审批表 and the departments' 征求意见表. */
export function CandidateDocuments({ candidateId }: { candidateId: string }) {
  return (
    <Space size="small">
      <Typography.Link href={documentUrl("approval-form", candidateId, "docx")} download>审批表</Typography.Link>
      <Typography.Link href={documentUrl("opinion-forms", candidateId, "docx")} download>征求意见表</Typography.Link>
    </Space>
  );
}
