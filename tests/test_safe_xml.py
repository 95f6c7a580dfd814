"""engine.definitions.safe_xml.parse_xml: the one door for uploaded BPMN/DMN. XXE and entity bombs are refused
with a Chinese DefinitionError that leaks nothing; ordinary BPMN parses and feeds SpiffWorkflow."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.definitions.safe_xml import parse_xml
from engine.errors import DefinitionError

FIXTURES = Path(__file__).parent / "bpmn" / "scripting"
PASSWD = Path("/etc/passwd")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def refused(content: bytes | str, filename: str) -> DefinitionError:
    started = time.monotonic()
    with pytest.raises(DefinitionError) as err:
        parse_xml(content, filename)
    assert time.monotonic() - started < 1
    message = err.value.message
    assert CHINESE.search(message) and filename in message
    return err.value


@pytest.mark.skipif(not PASSWD.exists(), reason="needs a readable /etc/passwd to prove the fixture leaks")
def test_xxe_fixture_really_leaks_through_a_permissive_parser():
    # Control: without our parser this fixture does read the file, so the refusal below means something.
    permissive = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True)
    root = etree.fromstring((FIXTURES / "xxe.bpmn").read_bytes(), permissive)
    assert PASSWD.read_text().splitlines()[0] in "".join(root.itertext())


def test_xxe_is_refused_without_leaking_the_file():
    error = refused((FIXTURES / "xxe.bpmn").read_bytes(), "xxe.bpmn")
    assert "DOCTYPE" in error.message and "拒绝" in error.message
    leaked = PASSWD.read_text().splitlines()[0] if PASSWD.exists() else "root:x:0:0"
    for text in (error.message, str(error), repr(error.__cause__), repr(error.details)):
        assert leaked not in text and "root:" not in text


def test_billion_laughs_is_refused_quickly():
    error = refused((FIXTURES / "billion_laughs.bpmn").read_bytes(), "billion_laughs.bpmn")
    assert "lollol" not in error.message


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE bpmn:definitions SYSTEM "http://127.0.0.1:9/evil.dtd">',  # external DTD over the network
    '<!DOCTYPE bpmn:definitions [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',  # parameter entity
    '<!DOCTYPE bpmn:definitions [<!ENTITY name "无害的内部实体">]>',  # even a harmless one: BPMN never needs it
    "<!DOCTYPE bpmn:definitions>",
])
def test_any_doctype_is_refused(doctype):
    text = (FIXTURES / "script_task.bpmn").read_text(encoding="utf-8")
    text = text.replace('<?xml version="1.0" encoding="UTF-8"?>\n', f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n')
    error = refused(text, "upload.bpmn")
    assert "root:" not in error.message


def test_normal_bpmn_parses_and_spiffworkflow_accepts_it():
    tree = parse_xml((FIXTURES / "gateway.bpmn").read_bytes(), "gateway.bpmn")
    root = tree.getroot()
    assert root.tag == f"{{{BPMN_NS}}}definitions"
    assert root.find(f".//{{{BPMN_NS}}}exclusiveGateway").get("name") == "是否达标"
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(root, filename="gateway.bpmn")
    assert "decide" in parser.get_spec("gateway_process").task_specs


def test_str_content_with_an_encoding_declaration_parses():
    # lxml refuses str input that declares an encoding; parse_xml must accept what an editor posts.
    text = (FIXTURES / "script_task.bpmn").read_text(encoding="utf-8")
    assert parse_xml(text).getroot().find(f".//{{{BPMN_NS}}}scriptTask").get("name") == "计算得分"


@pytest.mark.parametrize("content", [
    b"<bpmn:definitions xmlns:bpmn='x'><bpmn:process></bpmn:definitions>",
    b"not xml at all",
    b"",
    "<流程>未闭合",
])
def test_malformed_xml_is_a_definition_error(content):
    error = refused(content, "broken.bpmn")
    assert "不是格式正确的 XML" in error.message
