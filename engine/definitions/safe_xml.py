"""The only way BPMN/DMN XML enters the system: no entities, no DTDs, no network."""
from __future__ import annotations

from lxml import etree

from engine.errors import DefinitionError

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=False,
)


def parse_xml(content: bytes | str, filename: str = "<xml>") -> etree._ElementTree:
    """Parse and refuse any document type declaration: BPMN and DMN never need one, and a DTD is
    where XXE and billion-laughs payloads live."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    try:
        tree = etree.ElementTree(etree.fromstring(content, _PARSER))
    except etree.XMLSyntaxError as exc:
        if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
            raise DefinitionError(f"文件 {filename} 含有 DOCTYPE/实体声明，出于安全原因拒绝解析") from exc
        raise DefinitionError(f"文件 {filename} 不是格式正确的 XML：{exc}") from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise DefinitionError(f"文件 {filename} 含有 DOCTYPE/实体声明，出于安全原因拒绝解析")
    return tree
