"""Shape of a diagram: lanes, gateway exits, multi-instance data, references across files."""
from __future__ import annotations

from engine.lint.report import NS, Report, bpmn, text_of

_CONDITIONAL_GATEWAYS = {bpmn("exclusiveGateway"): "排他网关", bpmn("inclusiveGateway"): "包容网关"}


def check_lanes(report: Report, file: str, tree, lanes: dict[str, dict]) -> None:
    known = "、".join(lanes) or "（无）"
    for process in tree.iterfind(".//bpmn:process", NS):
        all_lanes = list(process.iterfind(".//bpmn:lane", NS))
        if not all_lanes:
            continue
        # Only the innermost lane decides who acts (SpiffWorkflow keeps the last flowNodeRef it
        # sees, and a child lane follows its parent's refs); parent lanes merely group them.
        for lane in all_lanes:
            if lane.find("bpmn:childLaneSet/bpmn:lane", NS) is not None:
                continue
            name = (lane.get("name") or "").strip()
            if not name:
                report.add(file, lane, f"泳道没有名称；可用的泳道：{known}")
            elif name not in lanes:
                report.add(file, lane, f"泳道名称「{name}」不是已知的泳道；可用的泳道：{known}")
        in_lane = {ref.text.strip() for ref in process.iterfind(".//bpmn:flowNodeRef", NS) if ref.text}
        for task in process.iterfind(".//bpmn:userTask", NS):
            if not any(node.get("id") in in_lane for node in _self_and_containers(task, process)):
                report.add(file, task, "流程设有泳道，但该用户任务不在任何泳道内，无法确定由谁办理")


def _self_and_containers(node, process):
    # A task inside an embedded subprocess takes the subprocess's lane (Spiff passes it down).
    while node is not None and node is not process:
        yield node
        node = node.getparent()


def check_gateways(report: Report, file: str, tree) -> None:
    flows = list(tree.iterfind(".//bpmn:sequenceFlow", NS))
    nodes = {el.get("id"): el for el in tree.iter() if el.get("id")}
    outgoing: dict[str, list] = {}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)

    for gateway_id, exits in outgoing.items():
        gateway = nodes.get(gateway_id)
        if gateway is None or gateway.tag not in _CONDITIONAL_GATEWAYS:
            continue
        kind = _CONDITIONAL_GATEWAYS[gateway.tag]
        default = gateway.get("default")
        exit_ids = {f.get("id") for f in exits}
        if default and default not in exit_ids:
            report.add(file, gateway, f"{kind}的默认流 {default} 不是它的出口顺序流")
        if len(exits) < 2:
            continue  # Spiff treats a lone exit as the default
        for flow in exits:
            if flow.find("bpmn:conditionExpression", NS) is None and flow.get("id") != default:
                report.add(file, gateway, f"{kind}的出口顺序流 {_label(flow)} 既没有条件，也不是默认流（default）",
                           also=(flow.get("id"),))

    # Spiff only evaluates conditions on exclusive/inclusive gateway exits; anywhere else the
    # condition would be silently ignored and the flow always taken.
    for flow in flows:
        source = nodes.get(flow.get("sourceRef"))
        if flow.find("bpmn:conditionExpression", NS) is not None and source is not None \
                and source.tag not in _CONDITIONAL_GATEWAYS:
            report.add(file, flow, f"顺序流条件只在排他/包容网关的出口上生效；此处（来自 {_label(source)}）会被忽略")


def check_multi_instance(report: Report, file: str, tree) -> None:
    for mi in tree.iterfind(".//bpmn:multiInstanceLoopCharacteristics", NS):
        activity = mi.getparent()
        has = {tag: mi.find(f"bpmn:{tag}", NS) is not None
               for tag in ("loopCardinality", "loopDataInputRef", "loopDataOutputRef",
                           "inputDataItem", "outputDataItem")}
        if not has["loopCardinality"] and not has["loopDataInputRef"]:
            report.add(file, activity, "多实例任务必须指定 loopCardinality（数量）或 loopDataInputRef（输入集合）")
        elif has["loopCardinality"] and has["loopDataInputRef"]:
            report.add(file, activity, "多实例任务不能同时指定 loopCardinality 和 loopDataInputRef")
        for ref, item in (("loopDataInputRef", "inputDataItem"), ("loopDataOutputRef", "outputDataItem")):
            if has[ref] and not (text_of(mi.find(f"bpmn:{ref}", NS)) or "").strip():
                report.add(file, activity, f"多实例任务的 {ref} 为空")
            elif has[ref] and not has[item]:
                report.add(file, activity, f"多实例任务指定了 {ref}，但没有定义 {item}（每个实例的数据项）")
        if has["outputDataItem"] and not has["loopDataOutputRef"]:
            report.add(file, activity, "多实例任务定义了 outputDataItem，但没有 loopDataOutputRef（结果集合）")


def check_references(report: Report, file: str, tree, decisions: dict[str, str | None] | None,
                     process_ids: set[str] | None) -> None:
    """`decisions` maps a decision id to None, or to its DMN file when Spiff cannot use that file.
    Either argument is None when a file of its kind could not be read: ids are then unknown, and
    "not found" would only add noise to the message that file already got."""
    for task in tree.iterfind(".//bpmn:businessRuleTask", NS):
        ref = (text_of(task.find("bpmn:extensionElements/spiffworkflow:calledDecisionId", NS)) or "").strip()
        if not ref:
            report.add(file, task, "业务规则任务没有指定 spiffworkflow:calledDecisionId")
        elif decisions is not None and ref not in decisions:
            report.add(file, task, f"业务规则任务引用的决策 {ref} 不在本次部署的 DMN 文件中")
        elif decisions is not None and decisions[ref]:
            report.add(file, task, f"业务规则任务引用的决策 {ref} 所在的 {decisions[ref]} 含多个决策，无法使用")
    for call in tree.iterfind(".//bpmn:callActivity", NS):
        ref = (call.get("calledElement") or "").strip()
        if not ref:
            report.add(file, call, "调用活动没有指定 calledElement")
        elif process_ids is not None and ref not in process_ids:
            report.add(file, call, f"调用活动引用的流程 {ref} 不在本次部署的 BPMN 文件中")


def _label(el) -> str:
    return el.get("id", "?") + (f"「{el.get('name')}」" if el.get("name") else "")


def check_flows(report: Report, file: str, tree) -> bool:
    """Every sequence flow joins two elements of its own (sub)process. A dangling end would reach
    SpiffWorkflow's parser, which names an unrelated element in English; reported here at the flow
    itself. Returns whether all flows are whole."""
    whole = True
    for container in (*tree.iterfind(".//bpmn:process", NS), *tree.iterfind(".//bpmn:subProcess", NS)):
        siblings = {child.get("id"): child for child in container if child.get("id")}
        for flow in container.iterfind("bpmn:sequenceFlow", NS):
            for end, role in (("sourceRef", "起点"), ("targetRef", "终点")):
                ref = flow.get(end)
                if not ref:
                    report.add(file, flow, f"顺序流 {_label(flow)} 缺少{role}（{end}）")
                    whole = False
                elif ref not in siblings or siblings[ref].tag == bpmn("sequenceFlow"):
                    report.add(file, flow, f"顺序流 {_label(flow)} 的{role}（{end}）“{ref}”不是同一流程中的元素")
                    whole = False
    return whole
