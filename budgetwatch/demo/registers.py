"""Enterprises, administrative asset categories and audit problems the city's registers hold."""
from __future__ import annotations


import numpy as np

from budgetwatch.demo.payees import digits
from budgetwatch.demo.world import REGION_CODE


# ---------------------------------------------------------------------------------------
# Enterprises, administrative assets, audit findings
# ---------------------------------------------------------------------------------------
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(rng: np.random.Generator) -> str:
    """A 统一社会信用代码 with valid check characters (GB 32100-2015, GB 11714-1997)."""
    body = digits(rng, 8)
    s = sum(int(c) * w for c, w in zip(body, _ORG_W))
    c9 = 11 - s % 11
    org = body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    first17 = "91" + REGION_CODE + org
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_W))
    check = (31 - total % 31) % 31
    return first17 + _USCC_CHARS[check]


# name, supervisor, plan:{ratio: 3 debt ratios, growth: 2 equity growths, margin: 3 profit margins}
ENTERPRISES = (
    ("湘江城市建设投资集团有限公司", "014", dict(ratio=(0.74, 0.76, 0.78), growth=(1.04, 1.03), margin=(0.05, 0.04, 0.03))),
    ("湘江交通投资集团有限公司", "006", dict(ratio=(0.83, 0.86, 0.88), growth=(1.02, 1.01), margin=(0.03, 0.02, 0.01))),
    ("湘江水务投资集团有限公司", "014", {}),
    ("湘江文化旅游产业集团有限公司", "011", dict(ratio=(0.60, 0.63, 0.66), growth=(0.97, 0.95), margin=(0.02, -0.15, -0.22))),
    ("湘江公共交通集团有限责任公司", "006", dict(ratio=(0.62, 0.63, 0.64), growth=(1.01, 0.98), margin=(-0.05, 0.01, -0.04))),
    ("湘江农业发展投资有限公司", "008", dict(ratio=(0.52, 0.53, 0.55), growth=(1.02, 0.82), margin=(0.03, 0.02, 0.01))),
    ("湘江产业投资集团有限公司", "014", dict(ratio=(0.55, 0.56, 0.58), growth=(1.03, 0.93), margin=(0.06, 0.05, 0.02))),
    ("湘江市住房保障投资建设有限公司", "007", dict(ratio=(0.66, 0.68, 0.695), growth=(1.04, 1.02), margin=(0.04, 0.03, 0.03))),
    ("湘江金融控股集团有限公司", "004", {}),
    ("湘江国有资本运营有限公司", "014", {}),
    ("湘江市燃气有限责任公司", "014", dict(ratio=(0.48, 0.50, 0.49), growth=(1.03, 1.04), margin=(0.04, -0.02, 0.03))),
    ("湘江市粮食储备有限公司", "014", {}),
    ("湘江市保安服务有限公司", "003", {}),
    ("湘江健康产业投资有限公司", "002", {}),
    ("湘江科技创新投资有限公司", "012", {}),
)
ASSET_CATEGORIES = ("房屋", "土地", "车辆", "通用设备", "专用设备", "无形资产")
IDLE_PLANTS = {("005001", "车辆"): 0.32, ("011001", "房屋"): 0.27}
IDLE_LOOKALIKE = {("006001", "通用设备"): 0.19}
AUDIT_CATEGORIES = ("预算管理", "专项资金", "政府采购", "国有资产管理", "财务管理", "债务管理")
AUDIT_PROBLEMS = {
    "预算管理": ("项目预算编制不细化，经济分类“其他”科目占比较高", "以拨代支，年底将结余资金拨付至下属单位",
             "当年预算执行率低于规定要求", "年度突击花钱", "非税收入应缴未缴"),
    "专项资金": ("专项资金闲置未及时使用", "挤占挪用专项资金用于日常经费", "专项资金未及时拨付到项目单位",
             "虚报冒领专项补助资金"),
    "政府采购": ("未按规定履行政府采购程序", "化整为零规避公开招标", "采购合同签订不规范，验收不严格"),
    "国有资产管理": ("固定资产未及时入账", "资产长期闲置", "出租出借国有资产未履行审批程序", "公务用车管理不规范"),
    "财务管理": ("往来款清理不及时", "虚列支出", "超范围发放津贴补贴", "会议费、培训费超标准列支", "坐收坐支"),
    "债务管理": ("违规举借债务", "隐性债务化解不力", "专项债券资金闲置", "到期债务未按期偿还"),
}
