import { Alert, Button, Card, Col, Descriptions, Row, Space, Table, Typography } from "antd";
import { useMemo } from "react";
import { Link, useParams } from "react-router";
import { formatDate } from "../../lib/dates";
import { Failure, Loading } from "../../layout/states";
import { DEADLINE_NAMES, useCampaign, useCandidates, useDashboard } from "./api";
import { CandidateTable } from "./CandidateTable";
import { CapsTable } from "./CapsTable";
import { CampaignDocuments } from "./Documents";
import { useUser } from "../../auth/session";
import { barOption, Chart, funnelOption } from "./charts";

export default function CampaignDashboard() {
  const { campaignId = "" } = useParams();
  const user = useUser();
  const campaign = useCampaign(campaignId);
  const dashboard = useDashboard(campaignId);
  const candidates = useCandidates(campaignId);
  const funnel = useMemo(() => funnelOption(dashboard.data?.stages ?? {}), [dashboard.data]);
  const outcomes = useMemo(() => barOption(dashboard.data?.outcomes ?? {}), [dashboard.data]);
  if (campaign.error) return <Failure error={campaign.error} retry={() => campaign.refetch()} />;
  if (!campaign.data) return <Loading />;
  const c = campaign.data;
  const awardName = (code: string) => (code === "total" ? "合计" : c.award_types[code] ?? code);
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }}>{c.name}</Typography.Title>
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label="通知">{c.notice}</Descriptions.Item>
          {Object.entries(c.deadlines).map(([key, value]) => (
            <Descriptions.Item key={key} label={DEADLINE_NAMES[key] ?? key}>{formatDate(value)}</Descriptions.Item>
          ))}
          <Descriptions.Item label="公示期">{c.publicity.days} 个工作日</Descriptions.Item>
        </Descriptions>
        <Link to={`/campaigns/${campaignId}/review`} style={{ display: "inline-block", marginTop: 12 }}><Button type="primary">审核名单</Button></Link>
      </Card>
      {dashboard.error && <Failure error={dashboard.error} retry={() => dashboard.refetch()} />}
      {dashboard.data && (
        <>
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <Card title="各环节人数" size="small">
                {Object.keys(dashboard.data.stages).length ? <Chart option={funnel} label="各环节人数漏斗图" /> : <Alert title="暂无推荐对象" type="info" />}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title="结果" size="small">
                {Object.keys(dashboard.data.outcomes).length ? <Chart option={outcomes} label="各结果人数柱状图" /> : <Alert title="暂无结果" type="info" />}
              </Card>
            </Col>
          </Row>
          {dashboard.data.caps.length > 0 && <Card title="比例限制" size="small"><CapsTable caps={dashboard.data.caps} /></Card>}
          <Card title="各单位名额使用" size="small">
            <Table
              rowKey={(q) => `${q.unit}/${q.award_type}`}
              size="small"
              dataSource={dashboard.data.quotas}
              pagination={{ pageSize: 10, showTotal: (t) => `共 ${t} 项` }}
              columns={[
                { title: "推荐单位", dataIndex: "unit" },
                { title: "类别", dataIndex: "award_type", render: awardName },
                { title: "已推荐 / 可报送名额", key: "use", render: (_, q) => `${q.used} / ${q.limit}` },
              ]}
            />
          </Card>
        </>
      )}
      <Card title="打印材料" size="small"><CampaignDocuments campaignId={campaignId} role={user.role} /></Card>
      <Card title="推荐对象" size="small">
        <CandidateTable data={candidates.data} loading={candidates.isLoading} awardName={awardName} fileName={c.name} />
      </Card>
    </Space>
  );
}
