import { useQueryClient } from "@tanstack/react-query";
import { Button, Layout, Space, Typography } from "antd";
import { Suspense } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { api } from "../api/client";
import { useUser } from "../auth/session";
import { Loading } from "./states";

export default function AppLayout() {
  const user = useUser();
  const navigate = useNavigate();
  const client = useQueryClient();

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
        {/* Plain links rather than antd's Menu: three items do not need its weight in every page. */}
        <nav className="app-menu" aria-label="主菜单">
          <NavLink to="/" end>待办</NavLink>
          <NavLink to="/done">已办</NavLink>
          <NavLink to="/campaigns">评选活动</NavLink>
        </nav>
        <Space className="app-user" data-testid="current-user">
          <Typography.Text style={{ color: "#fff" }}>{user.display_name}</Typography.Text>
          <Typography.Text style={{ color: "#cfd8e3" }}>
            {user.role_name}
            {user.unit ? ` · ${user.unit}` : ""}
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
