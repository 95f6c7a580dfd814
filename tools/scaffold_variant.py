"""One-time scaffolding of a variant's BPMN (with lanes and diagram layout) from a short step list.

The generated .bpmn under processes/<variant>/ is the source of truth afterwards: designers edit it
in the modeler, and nothing reads the step list at run time. Usage:

    python tools/scaffold_variant.py STEPS.json > processes/<variant>/<variant>.bpmn

STEPS.json: {"process_id", "name", "lanes": [...], "steps": [...]}; step kinds: fill, publicity,
opinions, review, task, end (see `_STEP_BUILDERS`)."""
from __future__ import annotations

import json
import sys
from xml.sax.saxutils import escape, quoteattr

W, H, GAP, LANE_H, LEFT = 120, 80, 60, 220, 180


class Builder:
    def __init__(self, spec: dict):
        self.spec, self.nodes, self.flows, self.shapes, self.extra = spec, [], [], [], []
        self.lanes = {lane: [] for lane in spec["lanes"]}
        self.x, self.counter, self.ends = LEFT, 0, {}
        self.defaults: dict[str, str] = {}  # gateway id -> id reserved for its default ("passed") flow

    def nid(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}_{self.counter}"

    def place(self, node_id: str, lane: str, width=W, height=H, below=0, x=None):
        lane_index = self.spec["lanes"].index(lane)
        y = lane_index * LANE_H + (LANE_H - height) // 2 + below
        self.lanes[lane].append(node_id)
        self.shapes.append((node_id, x if x is not None else self.x, y, width, height))

    def flow(self, source: str, target: str, name: str = "", condition: str | None = None) -> str:
        fid = self.defaults.pop(source, None)
        if fid is not None:
            name = name or "通过"
        fid = fid or self.nid("Flow")
        self.flows.append((fid, source, target, name, condition))
        return fid

    def add(self, xml: str, node_id: str, lane: str, width=W, height=H, advance=True):
        self.nodes.append(xml)
        self.place(node_id, lane, width, height)
        if advance:
            self.x += width + GAP

    def end_for(self, name: str, lane: str) -> str:
        """Shared end events for early exits (视为放弃, 取消资格 …), drawn below the main line."""
        if name not in self.ends:
            eid = self.nid("End")
            self.ends[name] = eid
            self.nodes.append(f'<bpmn:endEvent id="{eid}" name={quoteattr(name)} />')
            self.place(eid, lane, 36, 36, below=80, x=self.x)
        return self.ends[name]


def _props(form: str, extra: dict | None = None) -> str:
    props = {"formJsonSchemaFilename": form, "formUiSchemaFilename": form.replace(".json", ".ui.json")}
    props.update(extra or {})
    return "".join(f'<spiffworkflow:property name="{k}" value={quoteattr(v)} />' for k, v in props.items())


def user_task(b: Builder, name: str, lane: str, form: str, post: str | None = None, props: dict | None = None) -> str:
    tid = b.nid("Task")
    post_xml = f"<spiffworkflow:postScript>{escape(post)}</spiffworkflow:postScript>" if post else ""
    b.add(f'<bpmn:userTask id="{tid}" name={quoteattr(name)}><bpmn:extensionElements>'
          f'<spiffworkflow:properties>{_props(form, props)}</spiffworkflow:properties>{post_xml}'
          f'</bpmn:extensionElements></bpmn:userTask>', tid, lane)
    return tid


def fill(b: Builder, step: dict, prev: str) -> str:
    """Embedded subprocess: one form per award type, all under the submission deadline."""
    sub, lane = b.nid("Nomination"), step["lane"]
    inner, inner_flows = [], []
    start, split, join, end = b.nid("Start"), b.nid("Gateway"), b.nid("Gateway"), b.nid("End")
    inner.append(f'<bpmn:startEvent id="{start}" name="开始填报" />')
    first_type = next(iter(step["forms"]))
    inner.append(f'<bpmn:exclusiveGateway id="{split}" name="推荐类别？" default="Flow_{split}_{first_type}" />')
    inner.append(f'<bpmn:exclusiveGateway id="{join}" />')
    inner.append(f'<bpmn:endEvent id="{end}" name="填报完成" />')
    inner_flows.append((b.nid("Flow"), start, split, "", None))
    for award_type, form in step["forms"].items():
        tid = b.nid("Task")
        label = f"填写{step['labels'][award_type]}推荐审批表"
        inner.append(f'<bpmn:userTask id="{tid}" name={quoteattr(label)}><bpmn:extensionElements>'
                     f'<spiffworkflow:properties>{_props(form)}</spiffworkflow:properties>'
                     f'</bpmn:extensionElements></bpmn:userTask>')
        cond = None if award_type == first_type else f"award_type == '{award_type}'"
        inner_flows.append((f"Flow_{split}_{award_type}", split, tid, step["labels"][award_type], cond))
        inner_flows.append((b.nid("Flow"), tid, join, "", None))
        b.lanes[lane].append(tid)
    inner_flows.append((b.nid("Flow"), join, end, "", None))
    for n in (start, split, join, end):
        b.lanes[lane].append(n)
    flows_xml = "".join(_flow_xml(*f) for f in inner_flows)
    b.nodes.append(f'<bpmn:subProcess id="{sub}" name={quoteattr(step["name"])}>{"".join(inner)}{flows_xml}</bpmn:subProcess>')
    b.place(sub, lane)
    timer = b.nid("Deadline")
    b.nodes.append(f'<bpmn:boundaryEvent id="{timer}" name="逾期未报送" attachedToRef="{sub}">'
                   f'<bpmn:timerEventDefinition id="{timer}_def"><bpmn:timeDate>deadline_end({step["deadline"]})</bpmn:timeDate>'
                   f'</bpmn:timerEventDefinition></bpmn:boundaryEvent>')
    b.place(timer, lane, 36, 36, below=40, x=b.x + W // 2 - 18)
    b.lanes[lane].remove(timer)
    b.lanes[lane].append(timer)
    b.x += W + GAP
    b.flow(timer, b.end_for(step.get("withdrawn_end", "视为放弃（逾期未报送）"), lane))
    b.flow(prev, sub)
    return sub


def _call(b: Builder, name: str, lane: str, called: str, error_ref: str, end_name: str, prev: str) -> str:
    cid, boundary = b.nid("Call"), b.nid("Caught")
    b.add(f'<bpmn:callActivity id="{cid}" name={quoteattr(name)} calledElement="{called}" />', cid, lane, advance=False)
    b.nodes.append(f'<bpmn:boundaryEvent id="{boundary}" name={quoteattr(end_name)} attachedToRef="{cid}">'
                   f'<bpmn:errorEventDefinition id="{boundary}_def" errorRef="{error_ref}" /></bpmn:boundaryEvent>')
    b.place(boundary, lane, 36, 36, below=40, x=b.x + W // 2 - 18)
    b.x += W + GAP
    b.flow(prev, cid)
    b.flow(boundary, b.end_for(end_name, lane))
    return cid


def publicity(b: Builder, step: dict, prev: str) -> str:
    post = user_task(b, step.get("post_name", f"张贴{step['name']}"), step["post_lane"], "common/publicity_posting.json",
                     post="publicity_posted_on = start_date\npublicity_days = working_days\npublicity_level = level",
                     props={"batch": "publicity"})
    b.flow(prev, post)
    return _call(b, step["name"], step.get("lane", step["post_lane"]), "publicity", "Error_disqualified",
                 "取消资格（不予递补）", post)


def opinions(b: Builder, step: dict, prev: str) -> str:
    sid = b.nid("Script")
    b.add(f'<bpmn:scriptTask id="{sid}" name={quoteattr("确定征求意见环节：" + step["stage"])}>'
          f'<bpmn:script>opinion_stage = {step["stage"]!r}</bpmn:script></bpmn:scriptTask>', sid, step["lane"])
    b.flow(prev, sid)
    return _call(b, step["name"], step["lane"], "opinion_collection", "Error_adverse_opinion",
                 "终止推荐（征求意见有否定意见）", sid)


REVIEW_POST = ("review_passed = any([d['candidate_id'] == candidate_id and d['decision'] == '通过' for d in decisions])\n"
               "review_reason = '；'.join([d.get('reason', '') for d in decisions if d['candidate_id'] == candidate_id])")


def review(b: Builder, step: dict, prev: str) -> str:
    props = {"batch": "review", "reviewStage": step.get("stage", step["name"])}
    if step.get("ratio_check"):
        props["checksRatioCaps"] = "true"
    tid = user_task(b, step["name"], step["lane"], "common/review_decision.json", post=REVIEW_POST, props=props)
    b.flow(prev, tid)
    gid = b.nid("Gateway")
    ok_flow = b.nid("Flow")
    b.add(f'<bpmn:exclusiveGateway id="{gid}" name={quoteattr(step["name"] + "通过？")} default="{ok_flow}" />',
          gid, step["lane"], 50, 50)
    b.flow(tid, gid)
    failed = b.end_for(step.get("fail_end", f"{step['name']}未通过"), step["lane"])
    b.flows.append((b.nid("Flow"), gid, failed, "不通过", "review_passed != True"))
    b.defaults[gid] = ok_flow
    return gid


def task(b: Builder, step: dict, prev: str) -> str:
    tid = user_task(b, step["name"], step["lane"], step["form"])
    b.flow(prev, tid)
    return tid


def end(b: Builder, step: dict, prev: str) -> str:
    eid = b.nid("End")
    b.add(f'<bpmn:endEvent id="{eid}" name={quoteattr(step["name"])} />', eid, step["lane"], 36, 36)
    b.flow(prev, eid)
    return eid


_STEP_BUILDERS = {"fill": fill, "publicity": publicity, "opinions": opinions, "review": review, "task": task, "end": end}


def _flow_xml(fid, source, target, name, condition) -> str:
    cond = f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>" if condition else ""
    label = f" name={quoteattr(name)}" if name else ""
    return f'<bpmn:sequenceFlow id="{fid}"{label} sourceRef="{source}" targetRef="{target}">{cond}</bpmn:sequenceFlow>'


def build(spec: dict) -> str:
    b = Builder(spec)
    start = b.nid("Start")
    b.add(f'<bpmn:startEvent id="{start}" name="开始推荐" />', start, spec["lanes"][0], 36, 36)
    prev = start
    for step in spec["steps"]:
        prev = _STEP_BUILDERS[step["kind"]](b, step, prev)
    return _document(b)


def _document(b: Builder) -> str:
    spec = b.spec
    lanes_xml = "".join(
        f'<bpmn:lane id="Lane_{i}" name={quoteattr(lane)}>' + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ids) + "</bpmn:lane>"
        for i, (lane, ids) in enumerate(b.lanes.items()))
    flows_xml = "".join(_flow_xml(*f) for f in b.flows)
    width = b.x + 200
    shapes = [f'<bpmndi:BPMNShape id="Participant_di" bpmnElement="Participant_{spec["process_id"]}" isHorizontal="true">'
              f'<dc:Bounds x="100" y="0" width="{width}" height="{LANE_H * len(b.lanes)}" /></bpmndi:BPMNShape>']
    for i, _lane in enumerate(b.lanes):
        shapes.append(f'<bpmndi:BPMNShape id="Lane_{i}_di" bpmnElement="Lane_{i}" isHorizontal="true">'
                      f'<dc:Bounds x="130" y="{i * LANE_H}" width="{width - 30}" height="{LANE_H}" /></bpmndi:BPMNShape>')
    centers = {}
    for node_id, x, y, w, h in b.shapes:
        expanded = ' isExpanded="false"' if node_id.startswith("Nomination_") else ""
        shapes.append(f'<bpmndi:BPMNShape id="{node_id}_di" bpmnElement="{node_id}"{expanded}>'
                      f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>')
        centers[node_id] = (x + w // 2, y + h // 2)
    for fid, source, target, _name, _cond in b.flows:
        if source in centers and target in centers:
            (x1, y1), (x2, y2) = centers[source], centers[target]
            shapes.append(f'<bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}"><di:waypoint x="{x1}" y="{y1}" />'
                          f'<di:waypoint x="{x2}" y="{y1}" /><di:waypoint x="{x2}" y="{y2}" /></bpmndi:BPMNEdge>')
    errors = ('<bpmn:error id="Error_disqualified" name="取消资格" errorCode="disqualified"><bpmn:extensionElements>'
              '<spiffworkflow:variableName>outcome_reason</spiffworkflow:variableName></bpmn:extensionElements></bpmn:error>'
              '<bpmn:error id="Error_adverse_opinion" name="征求意见有否定意见" errorCode="adverse_opinion"><bpmn:extensionElements>'
              '<spiffworkflow:variableName>outcome_reason</spiffworkflow:variableName></bpmn:extensionElements></bpmn:error>')
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_{spec["process_id"]}" targetNamespace="http://pingxuan.example/bpmn/{spec["process_id"]}">
{errors}
<bpmn:collaboration id="Collaboration_{spec["process_id"]}"><bpmn:participant id="Participant_{spec["process_id"]}" name={quoteattr(spec["name"])} processRef="{spec["process_id"]}" /></bpmn:collaboration>
<bpmn:process id="{spec["process_id"]}" name={quoteattr(spec["name"])} isExecutable="true">
<bpmn:laneSet id="LaneSet_{spec["process_id"]}">{lanes_xml}</bpmn:laneSet>
{chr(10).join(b.nodes)}
{flows_xml}
</bpmn:process>
<bpmndi:BPMNDiagram id="Diagram_{spec["process_id"]}"><bpmndi:BPMNPlane id="Plane_{spec["process_id"]}" bpmnElement="Collaboration_{spec["process_id"]}">
{chr(10).join(shapes)}
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
'''


if __name__ == "__main__":
    sys.stdout.write(build(json.loads(open(sys.argv[1], encoding="utf-8").read())))
