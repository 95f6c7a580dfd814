import type { FieldProps } from "@rjsf/utils";
import { Alert, Button, Image, Space, Typography, Upload } from "antd";
import { useEffect, useState } from "react";
import { api } from "../api/client";
import { describeError } from "../lib/errors";
import { PHOTO_RULE, photoProblem } from "./photo";

interface PhotoInfo {
  id: string;
  file_name: string;
  file_format: string;
  size_kb: number;
}

/** The 审批表's photo block: the rule first, then upload and preview; the server's answer fills the
 * block's facts (file name, format, size); the remaining choices stay ordinary fields below. */
export default function PhotoField(props: FieldProps) {
  const { registry, formData, onChange, disabled, readonly, fieldPathId } = props;
  const ObjectField = registry.fields.ObjectField;
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => () => { if (preview) URL.revokeObjectURL(preview); }, [preview]);

  async function upload(file: File) {
    setError(null);
    const problem = photoProblem(file);
    if (problem) {
      setError(problem);
      return false;
    }
    const body = new FormData();
    body.append("file", file);
    setBusy(true);
    try {
      const info = await api.post<PhotoInfo>("/api/uploads/photos", body);
      setPreview(URL.createObjectURL(file));
      onChange({ ...(formData ?? {}), file_name: info.file_name, file_format: info.file_format, size_kb: info.size_kb }, fieldPathId.path);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
    return false;
  }

  return (
    <div className="photo-field">
      <Space align="start" wrap>
        {preview ? (
          <Image src={preview} width={96} alt="照片预览" />
        ) : (
          <div className="photo-empty">{formData?.file_name ? formData.file_name : "尚未上传照片"}</div>
        )}
        <div>
          <Typography.Text type="secondary">要求：{PHOTO_RULE}</Typography.Text>
          <br />
          <Upload accept=".jpg,.jpeg,image/jpeg" showUploadList={false} beforeUpload={upload} disabled={disabled || readonly}>
            <Button loading={busy} disabled={disabled || readonly} style={{ marginTop: 8 }}>
              选择照片并上传
            </Button>
          </Upload>
        </div>
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} />}
      <ObjectField {...props} />
    </div>
  );
}
