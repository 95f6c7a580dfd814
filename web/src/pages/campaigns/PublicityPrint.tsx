import { formatDate } from "../../lib/dates";

export interface PostedList {
  scope: string;
  posted_by: string;
  start_date: string;
  last_day: string | null;
  working_days: number;
  candidates: { name: string; kind: string; unit: string }[];
  objection_contact: { department: string; phone: string; address?: string };
}

/** The 公示 notice as it is posted: A4, printed from the browser (only this part prints). */
export function PublicityPrint({ list, title }: { list: PostedList; title: string }) {
  return (
    <section className="publicity-print" aria-label="公示（打印）">
      <h1>公　示</h1>
      <p>
        根据{title}工作安排，经{list.posted_by}研究，拟推荐以下{list.candidates.length}名（个）对象，现予以公示。
      </p>
      <table>
        <thead>
          <tr><th>序号</th><th>名称或姓名</th><th>类别</th><th>单位</th></tr>
        </thead>
        <tbody>
          {list.candidates.map((c, i) => (
            <tr key={i}><td>{i + 1}</td><td>{c.name}</td><td>{c.kind}</td><td>{c.unit}</td></tr>
          ))}
        </tbody>
      </table>
      <p>
        公示期：{formatDate(list.start_date)}至{formatDate(list.last_day)}（{list.working_days} 个工作日）。
        公示期间如有异议，请以书面或电话形式向{list.objection_contact.department}反映
        （电话：{list.objection_contact.phone}{list.objection_contact.address ? `；地址：${list.objection_contact.address}` : ""}）。
        反映情况应实事求是，以单位名义反映的须加盖公章，以个人名义反映的须署真实姓名。
      </p>
      <p className="publicity-sign">{list.posted_by}<br />{formatDate(list.start_date)}</p>
    </section>
  );
}
