import { useQueryClient } from "@tanstack/react-query";
import { Button, Layout, Menu, Space, Typography } from "antd";
import { Suspense } from "react";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { api } from "../api/client";
import { useUser } from "../auth/session";
import { Loading } from "./states";

const OFFICE_ROLES = new Set(["office", "leading", "admin", "auditor"]);

export default function AppLayout() {
  const user = useUser();
  const navigate = useNavigate();
  const client = useQueryClient();
  const location = useLocation();
  const items = [
    { key: "/", label: <Link to="/">待办</Link> },
    { key: "/done", label: <Link to="/done">已办</Link> },
    { key: "/campaigns", label: <Link to="/campaigns">评选活动</Link> },
  ];
  const selected = location.pathname.startsWith("/campaigns")
    ? "/campaigns"
    : location.pathname.startsWith("/done")
      ? "/done"
      : "/";

  async function logout() {
    try {
      await api.post("/api/auth/logout");
    } finally {
      client.clear();
      navigate("/login", { replace: true });
    }
  }

  return (
    <Layout className="app">
      <Layout.Header className="app-header">
        <Link to="/" className="app-title">评选表彰流程系统</Link>
        <Menu theme="dark" mode="horizontal" selectedKeys={[selected]} items={items} className="app-menu" />
        <Space className="app-user" data-testid="current-user">
          <Typography.Text style={{ color: "#fff" }}>{user.display_name}</Typography.Text>
          <Typography.Text style={{ color: "#cfd8e3" }}>
            {user.role_name}
            {user.unit ? ` · ${user.unit}` : OFFICE_ROLES.has(user.role) ? "" : ""}
          </Typography.Text>
          <Button size="small" onClick={logout}>退出登录</Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="app-content">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
    </Layout>
  );
}
