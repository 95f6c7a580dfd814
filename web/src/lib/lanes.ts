// The lane names of processes/lanes.json, in the order people think of the steps.
export const LANES = ["推荐单位", "区县审核", "县级审核", "市级审核", "征求意见部门", "专班办公室", "领导机构"];
