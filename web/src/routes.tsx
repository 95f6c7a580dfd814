import { lazy } from "react";
import { createBrowserRouter } from "react-router";
import { RequireUser } from "./auth/session";
import AppLayout from "./layout/AppLayout";

// Every page is its own chunk: a staff page never loads the dashboard charts (or, later, the modeler).
const LoginPage = lazy(() => import("./auth/LoginPage"));
const loadInbox = () => import("./pages/inbox/InboxPage");
// The inbox is the first page nearly everyone sees: fetch its chunk while the session is checked.
if (typeof window !== "undefined" && (window.location.pathname === "/" || window.location.pathname === "/done")) void loadInbox();
const InboxPage = lazy(loadInbox);
const TaskPage = lazy(() => import("./pages/task/TaskPage"));
const CampaignList = lazy(() => import("./pages/campaigns/CampaignList"));
const CampaignDashboard = lazy(() => import("./pages/campaigns/CampaignDashboard"));
const BatchReview = lazy(() => import("./pages/campaigns/BatchReview"));
const NominatePage = lazy(() => import("./pages/campaigns/NominatePage"));
const PublicityPage = lazy(() => import("./pages/campaigns/PublicityPage"));
const NotFound = lazy(() => import("./layout/NotFound"));

export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  {
    element: (
      <RequireUser>
        <AppLayout />
      </RequireUser>
    ),
    children: [
      { index: true, element: <InboxPage mode="open" /> },
      { path: "done", element: <InboxPage mode="done" /> },
      { path: "tasks/:taskId", element: <TaskPage /> },
      { path: "campaigns", element: <CampaignList /> },
      { path: "campaigns/:campaignId", element: <CampaignDashboard /> },
      { path: "campaigns/:campaignId/review", element: <BatchReview /> },
      { path: "campaigns/:campaignId/nominate", element: <NominatePage /> },
      { path: "campaigns/:campaignId/publicity", element: <PublicityPage /> },
      { path: "*", element: <NotFound /> },
    ],
  },
]);
