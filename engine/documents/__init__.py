"""The paper the notices demand (推荐审批表, 汇总表, 征求意见表, 公示, 表彰决定, 工作情况报告, photos),
generated from the recorded data so a printed copy always matches the history.

`records` reads what was recorded (candidates, their completed steps, photos) and checks who may
print it; `variant_docs` reads each notice's document rules from forms_schema/<variant>/documents.json;
one module per document kind renders bytes; `pdf` converts through LibreOffice headless."""
