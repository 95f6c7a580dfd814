// ajv8 for the task forms (JSON Schema 2020-12, as forms_schema/ writes them) with messages in Chinese.
import type { RJSFValidationError } from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import localizeZh from "ajv-i18n/localize/zh";
import Ajv2020 from "ajv/dist/2020";

export const validator = customizeValidator(
  { AjvClass: Ajv2020 as never, ajvOptionsOverrides: { allErrors: true } },
  localizeZh,
);

/** ajv-i18n says "应当有必需属性 xxx" at the parent object; under the field itself "必填" is clearer. */
export function transformErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors.map((error) => (error.name === "required" ? { ...error, message: "必填" } : error));
}
