import { useQuery } from "@tanstack/react-query";
import { Card, Space, Table, Typography } from "antd";
import { Link } from "react-router";
import { api } from "../../api/client";
import type { Campaign } from "../../api/types";
import { useUser } from "../../auth/session";
import { formatDate } from "../../lib/dates";
import { Failure } from "../../layout/states";
import { CreateCampaign } from "./CreateCampaign";

export default function CampaignList() {
  const user = useUser();
  const campaigns = useQuery({ queryKey: ["campaigns"], queryFn: () => api.get<Campaign[]>("/api/campaigns") });
  return (
    <Card>
      <Typography.Title level={4} style={{ marginTop: 0 }}>评选活动</Typography.Title>
      {(user.role === "office" || user.role === "admin") && <CreateCampaign />}
      {campaigns.error ? (
        <Failure error={campaigns.error} retry={() => campaigns.refetch()} />
      ) : (
        <Table<Campaign>
          rowKey="id"
          loading={campaigns.isLoading}
          dataSource={campaigns.data ?? []}
          locale={{ emptyText: "暂无评选活动" }}
          pagination={false}
          columns={[
            { title: "名称", dataIndex: "name", render: (name, c) => <Link to={`/campaigns/${c.id}`}>{name}</Link> },
            { title: "变体", dataIndex: "variant" },
            { title: "创建日期", dataIndex: "created_at", render: (v) => formatDate(v) },
            {
              title: "操作",
              key: "acts",
              render: (_, c) => (
                <Space>
                  {user.role === "staff" && <Link to={`/campaigns/${c.id}/nominate`}>推荐</Link>}
                  {user.role !== "auditor" && user.role !== "designer" && <Link to={`/campaigns/${c.id}/review`}>审核名单</Link>}
                  {user.role !== "auditor" && user.role !== "designer" && <Link to={`/campaigns/${c.id}/publicity`}>张贴公示</Link>}
                </Space>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
