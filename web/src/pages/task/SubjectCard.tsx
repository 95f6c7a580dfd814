import Form from "@rjsf/antd";
import type { RJSFSchema } from "@rjsf/utils";
import { Button, Card, Descriptions, Modal } from "antd";
import { useState } from "react";
import type { TaskSubject } from "../../api/types";
import { translateString } from "../../forms/translate";
import { stripExternalRefs } from "../../forms/uiSchema";
import { validator } from "../../forms/validator";

/** Whom this task is about, read-only beside the form: a department sees whom it vets, a reviewer
 * what was recommended (the submitted 审批表, opened on request). */
export function SubjectCard({ subject }: { subject: TaskSubject }) {
  const [open, setOpen] = useState(false);
  return (
    <Card title="推荐对象" size="small">
      <Descriptions column={1} size="small">
        <Descriptions.Item label="名称或姓名">{subject.name}</Descriptions.Item>
        <Descriptions.Item label="推荐单位">{subject.unit}</Descriptions.Item>
        <Descriptions.Item label="类别">{subject.award_type}</Descriptions.Item>
        <Descriptions.Item label="对象类型">{subject.candidate_type}</Descriptions.Item>
        <Descriptions.Item label="当前环节">{subject.stage}</Descriptions.Item>
      </Descriptions>
      {subject.schema && subject.data && (
        <>
          <Button onClick={() => setOpen(true)}>查看推荐审批表</Button>
          <Modal open={open} title="推荐审批表（已提交，只读）" width={900} footer={null} onCancel={() => setOpen(false)}>
            <Form
              className="task-form"
              schema={stripExternalRefs(subject.schema) as RJSFSchema}
              formData={subject.data}
              validator={validator}
              translateString={translateString}
              uiSchema={{ "ui:submitButtonOptions": { norender: true } }}
              readonly
            />
          </Modal>
        </>
      )}
    </Card>
  );
}
