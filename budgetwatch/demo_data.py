"""The demo city: six feed files of a generated 湘江市 (Hunan), in the shapes real exports come in.

`write_demo_feeds(out_dir)` writes a fictional but plausible prefecture-level city — 湘江市,
region code 430100 (the code is borrowed from 长沙市 so that it is a real Hunan city code;
names, people and companies are invented) — as the six feeds of ../shared/FEEDS.md:

* departments  ``01_departments.xlsx``  title row above a Chinese header, codes as text cells
* budget       ``02_budget_<year>.csv``  GB18030, title + ``单位：万元`` lines, alias headers,
                                          amounts like ``"1,234.567800"``, a trailing 合计 row
* payments     ``03_payments_<year>.csv`` UTF-8 with BOM; the previous year with a title row,
                                          Chinese alias headers, ``2024/3/7`` dates, ``"1,234.50"``
                                          and ``(1,200.00)`` amounts; the current year with English
                                          headers and ISO dates. Above scale 5 both are plain
                                          UTF-8 (no BOM, no title, ISO dates, plain numbers).
* assets_enterprise ``04_assets_enterprise.xlsx`` data on the first sheet (in 万元), 说明 second
* assets_admin ``05_assets_admin.csv``   GBK, English headers
* audit_findings ``06_audit_findings.xlsx`` Excel date cells, Chinese statuses, a 总计 row
* suggestions  ``07_suggestions.csv``     GB18030, title row, reply classes as B/B类/words, mixed
                                          dates (budgetwatch/demo_suggestions.py)
* debt         ``10_debt.xlsx``          title + ``单位：亿元``, the city's code as ``4301``, a 合计 row
                                          (budgetwatch/demo_debt.py: 市本级 and districts, three years)

Years: the *current year* is the year of ``today``. ``today`` defaults to 2025-12-31 — a fixed
date, not the real one, so that a seed always gives the same files — and must be on or after
1 March. Budgets and payments cover the current year and the one before; current-year payments
stop at ``today``; enterprises cover three years, administrative assets two, audit findings five.

How the money is made up:

* Payments: per unit, scheduled ones (salaries 30101/30102 on the 10th, 绩效工资 30107 on the
  25th, social contributions 30108/30110/30113, electricity monthly, water/telephone/property
  quarterly, rent 30214 on a fixed calendar day with the same amount and landlord, year-end
  bonuses, pensions of the social insurance fund, capital injections of the SASAC), plus a
  random stream: lognormal amounts per economic code, skewed towards each unit's usual
  suppliers, staff reimbursed by name, month weights with a December bulge for projects and
  capital, a few refunds (negative). Scale N writes ≈ N × 60,000 payments a year.
* Budgets are derived from the spending: each line's adjusted budget is its year's spending ÷
  an execution rate of 88–98.5% (so nothing is over budget by accident), except the planted
  lagging departments and over-spent line.
* Quiet-by-construction: December is held to ≤ 20% of any unit's year and ≤ 2× its monthly
  mean, a unit's 三公经费 growth is held down where the draw would have flagged it, and each
  unit's amounts are nudged by a few percent onto a stratified mantissa grid so that its first
  digits follow Benford's law closely (only the planted unit departs from it).

Every warning rule of ../shared/RULES.md is planted at least once on the current year, beside
look-alikes that must stay quiet; `planted_anomalies()` lists both (`Planted.fires`), and
``ANOMALIES.md`` / ``anomalies.json`` are written next to the feeds. Department- and unit-level
entries carry the numbers computed from the generated data (a department that lags only
because ``today`` is mid-year is listed too). The list was checked to be exactly what the rules
flag for the default seed at scales 0.2 to 17 with a December ``today``; at very large scales the
payment-level rules (duplicates, splits) may also find natural coincidences, as in real data.

All randomness comes from ``numpy.random.default_rng(seed)``, split into independent child
streams so that the city's structure (names, enterprises, assets, audit) does not depend on
the scale. Payments are generated with numpy and written with pyarrow's CSV writer in
1-million-row chunks, one thread per year.
"""
from __future__ import annotations

import csv
import io
import json
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from budgetwatch.demo_planted import Planted
from budgetwatch import demo_debt
from budgetwatch.ingest.spec import FUND_TYPES

CITY = "湘江市"
REGION_CODE = "430100"
DEFAULT_TODAY = date(2025, 12, 31)
DEFAULT_SEED = 20251
PAYMENTS_PER_SCALE = 60_000        # payments a year at scale 1
PLAIN_CSV_ABOVE_SCALE = 5.0        # above this the payments CSVs are written plain, for speed
CHUNK_ROWS = 1_000_000
FEED_ORDER = ("departments", "budget", "payments", "assets_enterprise", "assets_admin", "audit_findings",
              "suggestions", "projects", "project_progress", "project_evaluation",   # the last three: demo_projects.py
              "debt")
GENERAL, GOVFUND, STATECAP, SOCIAL = FUND_TYPES
SANGONG = ("30212", "30217", "30231", "31013")

# ---------------------------------------------------------------------------------------
# The city: 14 departments, 45 units under them.
# (code, name, main functional code, kind, staff, sector, units[(code, name, func, staff)])
# kind: admin = 行政单位 (奖金 30103 at year end, 行政单位医疗), inst = 事业单位 (绩效工资 30107)
# ---------------------------------------------------------------------------------------
DEPARTMENTS = (
    ("001", "湘江市教育局", "2050101", "admin", 95, "edu", (
        ("001001", "湘江市第一中学", "2050204", 260),
        ("001002", "湘江市第二中学", "2050204", 230),
        ("001003", "湘江市第十一中学", "2050203", 180),
        ("001004", "湘江市实验小学", "2050202", 150),
        ("001005", "湘江市育才小学", "2050202", 120),
        ("001006", "湘江市职业中等专业学校", "2050302", 160))),
    ("002", "湘江市卫生健康委员会", "2100101", "admin", 80, "health", (
        ("002001", "湘江市第一人民医院", "2100201", 520),
        ("002002", "湘江市中医医院", "2100202", 340),
        ("002003", "湘江市疾病预防控制中心", "2100401", 140),
        ("002004", "湘江市妇幼保健院", "2100403", 260),
        ("002005", "湘江市急救中心", "2100299", 90))),
    ("003", "湘江市公安局", "2040201", "admin", 420, "police", (
        ("003001", "湘江市公安局交通警察支队", "2040220", 380),
        ("003002", "湘江市公安局看守所", "2040221", 110),
        ("003003", "湘江市公安局特警支队", "2040222", 160),
        ("003004", "湘江市公安局科技信息化支队", "2040219", 70))),
    ("004", "湘江市财政局", "2010601", "admin", 110, "finance", (
        ("004001", "湘江市财政事务中心", "2010650", 60),
        ("004002", "湘江市政府采购中心", "2010699", 30),
        ("004003", "湘江市财政投资评审中心", "2010650", 45))),
    ("005", "湘江市人大常委会办公厅", "2010101", "admin", 85, "npc", (
        ("005001", "湘江市人大常委会机关服务中心", "2010150", 40),
        ("005002", "湘江市人大代表联络服务中心", "2010108", 25))),
    ("006", "湘江市交通运输局", "2140101", "admin", 70, "transport", (
        ("006001", "湘江市公路建设养护中心", "2140106", 210),
        ("006002", "湘江市交通运输综合行政执法支队", "2140199", 160),
        ("006003", "湘江市道路运输服务中心", "2140199", 75))),
    ("007", "湘江市住房和城乡建设局", "2120101", "admin", 90, "housing", (
        ("007001", "湘江市城市建设服务中心", "2120399", 120),
        ("007002", "湘江市住房保障服务中心", "2210108", 55),
        ("007003", "湘江市建设工程质量安全监督站", "2120106", 65))),
    ("008", "湘江市农业农村局", "2130101", "admin", 100, "agri", (
        ("008001", "湘江市农业综合行政执法支队", "2130110", 80),
        ("008002", "湘江市农业技术推广中心", "2130106", 90),
        ("008003", "湘江市农田建设服务中心", "2130153", 45),
        ("008004", "湘江市动物疫病预防控制中心", "2130108", 60))),
    ("009", "湘江市民政局", "2080201", "admin", 75, "civil", (
        ("009001", "湘江市社会福利院", "2081002", 120),
        ("009002", "湘江市儿童福利院", "2081001", 70),
        ("009003", "湘江市殡仪馆", "2081004", 85),
        ("009004", "湘江市救助管理站", "2082002", 35))),
    ("010", "湘江市生态环境局", "2110101", "admin", 80, "env", (
        ("010001", "湘江市生态环境监测中心", "2110299", 95),
        ("010002", "湘江市生态环境保护综合行政执法支队", "2110302", 70))),
    ("011", "湘江市文化旅游广电局", "2070101", "admin", 70, "culture", (
        ("011001", "湘江市博物馆", "2070205", 90),
        ("011002", "湘江市图书馆", "2070104", 80),
        ("011003", "湘江市群众艺术馆", "2070109", 50))),
    ("012", "湘江市科学技术局", "2060101", "admin", 60, "sci", (
        ("012001", "湘江市科技创新服务中心", "2060499", 45),
        ("012002", "湘江市科学技术情报研究所", "2060301", 40),
        ("012003", "湘江市生产力促进中心", "2060501", 30))),
    ("013", "湘江市人力资源和社会保障局", "2080101", "admin", 90, "hr", (
        ("013001", "湘江市社会保险事业服务中心", "2080109", 150),
        ("013002", "湘江市就业服务中心", "2080799", 60))),
    ("014", "湘江市人民政府国有资产监督管理委员会", "2150701", "admin", 45, "soe", (
        ("014001", "湘江市国有资产服务中心", "2150799", 25),
        ("014002", "湘江市国资国企改革发展研究中心", "2150799", 20))),
)
ADMIN_SUBUNIT_DEPTS = {"003"}   # police units are 行政单位 too

FUNC_NAMES = {
    "2010101": "行政运行", "2010102": "一般行政管理事务", "2010104": "人大会议", "2010108": "代表工作",
    "2010150": "事业运行", "2010601": "行政运行", "2010650": "事业运行", "2010699": "其他财政事务支出",
    "2040201": "行政运行", "2040219": "信息化建设", "2040220": "执法办案", "2040221": "特别业务",
    "2040222": "特勤业务", "2050101": "行政运行", "2050202": "小学教育", "2050203": "初中教育",
    "2050204": "高中教育", "2050302": "中等职业教育", "2060101": "行政运行", "2060301": "机构运行",
    "2060499": "其他技术研究与开发支出", "2060501": "机构运行", "2070101": "行政运行", "2070104": "图书馆",
    "2070109": "群众文化", "2070205": "博物馆", "2080101": "行政运行", "2080109": "社会保险经办机构",
    "2080201": "行政运行", "2080505": "机关事业单位基本养老保险缴费支出", "2080799": "其他就业补助支出",
    "2081001": "儿童福利", "2081002": "老年福利", "2081004": "殡葬", "2082002": "流浪乞讨人员救助支出",
    "2090101": "基本养老金", "2100101": "行政运行", "2100201": "综合医院", "2100202": "中医（民族）医院",
    "2100299": "其他公立医院支出", "2100401": "疾病预防控制机构", "2100403": "妇幼保健机构",
    "2101101": "行政单位医疗", "2101102": "事业单位医疗", "2110101": "行政运行",
    "2110299": "其他环境监测与监察支出", "2110302": "水体", "2120101": "行政运行", "2120106": "工程建设管理",
    "2120399": "其他城乡社区公共设施支出", "2120803": "城市建设支出", "2130101": "行政运行",
    "2130104": "事业运行", "2130106": "科技转化与推广服务", "2130108": "病虫害控制", "2130110": "执法监管",
    "2130153": "农田建设", "2130199": "其他农业农村支出", "2140101": "行政运行", "2140104": "公路建设",
    "2140106": "公路养护", "2140199": "其他公路水路运输支出", "2150701": "行政运行",
    "2150799": "其他国有资产监管支出", "2210108": "老旧小区改造", "2210201": "住房公积金",
    "2230201": "国有经济结构调整支出", "2296002": "用于社会福利的彩票公益金支出",
}
ECON_NAMES = {
    "30101": "基本工资", "30102": "津贴补贴", "30103": "奖金", "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费", "30110": "职工基本医疗保险缴费", "30113": "住房公积金",
    "30201": "办公费", "30205": "水费", "30206": "电费", "30207": "邮电费", "30209": "物业管理费",
    "30211": "差旅费", "30212": "因公出国（境）费用", "30213": "维修（护）费", "30214": "租赁费",
    "30215": "会议费", "30216": "培训费", "30217": "公务接待费", "30218": "专用材料费", "30226": "劳务费",
    "30227": "委托业务费", "30231": "公务用车运行维护费", "30299": "其他商品和服务支出", "30302": "退休费",
    "31002": "办公设备购置", "31003": "专用设备购置", "31005": "基础设施建设",
    "31007": "信息网络及软件购置更新", "31013": "公务用车购置", "31201": "资本金注入",
}

# Month weights of the random payments (January … December).
PROFILES = np.array([
    [0.8, 0.6, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.3],   # 0 routine
    [0.7, 0.5, 1.1, 1.1, 1.0, 1.1, 0.9, 0.9, 1.1, 0.9, 1.2, 1.1],   # 1 travel
    [0.4, 0.4, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.1, 1.3, 2.0],   # 2 projects and capital
])
ROUTINE, TRAVEL, PROJECT = 0, 1, 2

# Random-stream economic codes: name, median amount (yuan), sigma of ln(amount), month profile,
# payee classes with probabilities ("sector" = the unit's sector supplier pool), purposes.
RANDOM_ECON = {
    "30201": (1800, 1.3, ROUTINE, (("office", .75), ("person", .25)),
              ("办公用品采购", "复印纸及耗材采购", "报刊资料订阅费", "办公耗材费")),
    "30211": (2200, 1.25, TRAVEL, (("person", .88), ("travel", .12)),
              ("报销差旅费", "出差住宿费", "赴省城参加会议差旅费", "外出学习考察差旅费", "机票款")),
    "30212": (30000, 0.7, ROUTINE, (("travel", 1.0),), ("因公出国（境）团组费用",)),
    "30213": (9000, 1.3, ROUTINE, (("repair", 1.0),),
              ("办公楼维修", "空调维修保养费", "设备维护费", "信息系统运维费", "电梯维保费")),
    "30214": (25000, 1.0, ROUTINE, (("property", .6), ("hotel", .4)), ("会场租赁费", "设备租赁费", "临时场地租赁费")),
    "30215": (15000, 1.2, ROUTINE, (("hotel", 1.0),), ("会议费", "工作会议场地及食宿费", "专题会议费")),
    "30216": (12000, 1.2, ROUTINE, (("training", .8), ("hotel", .2)), ("业务培训费", "干部培训费", "专业技能培训费")),
    "30217": (1500, 1.1, ROUTINE, (("hotel", 1.0),), ("公务接待费", "接待考察团工作餐费")),
    "30218": (20000, 1.3, ROUTINE, (("sector", 1.0),), ("专用材料采购", "业务耗材采购")),
    "30226": (3000, 1.3, ROUTINE, (("person", .8), ("security", .2)), ("劳务费", "专家评审费", "临聘人员劳务费")),
    "30227": (60000, 1.3, PROJECT, (("consult", .6), ("tech", .4)),
              ("委托业务费", "第三方评估服务费", "审计服务费", "技术服务费", "规划编制服务费")),
    "30231": (1200, 1.2, ROUTINE, (("auto", 1.0),),
              ("公务用车加油费", "公务用车维修保养费", "公务用车保险费", "公务用车通行费")),
    "30299": (5000, 1.3, ROUTINE, (("security", .5), ("culture", .5)),
              ("保洁服务费", "安保服务费", "宣传资料制作费", "其他商品和服务支出")),
    "31002": (25000, 1.2, PROJECT, (("tech", 1.0),), ("办公设备购置", "计算机采购", "打印复印一体机采购")),
    "31003": (150000, 1.3, PROJECT, (("sector", 1.0),), ("专用设备购置", "设备采购款")),
    "31005": (500000, 1.2, PROJECT, (("build", 1.0),), ("基础设施建设工程款", "工程进度款", "工程结算款")),
    "31007": (80000, 1.2, PROJECT, (("tech", 1.0),), ("信息化系统建设款", "软件购置费", "网络设备更新")),
}
BASE_WEIGHTS = {"30201": 12, "30211": 18, "30213": 6, "30214": 2, "30215": 2, "30216": 3, "30217": 3,
                "30226": 6, "30227": 5, "30231": 5, "30299": 8, "31002": 3, "31007": 1}
SECTOR_POOL = {"edu": "edu_equip", "health": "medical", "police": "police_equip", "transport": "build",
               "housing": "build", "agri": "agri", "civil": "medical", "env": "env", "culture": "culture",
               "sci": "tech", "finance": "tech", "npc": "culture", "hr": "tech", "soe": "consult"}
# Extra random lines by sector: (econ, weight, functional code or None for the unit's own, fund type)
SECTOR_LINES = {
    "edu": (("30218", 4, None, GENERAL), ("31003", 2, None, GENERAL)),
    "health": (("30218", 10, None, GENERAL), ("31003", 4, None, GENERAL)),
    "police": (("30231", 14, None, GENERAL), ("31003", 3, None, GENERAL)),
    "env": (("31003", 2, None, GENERAL), ("30218", 3, None, GENERAL)),
    "culture": (("30218", 2, None, GENERAL),),
    "agri": (("30218", 3, None, GENERAL),),
    "civil": (("30218", 4, None, GENERAL),),
}
UNIT_LINES = {   # unit-specific project lines
    "005": (("30215", 3, "2010104", GENERAL), ("30226", 2, "2010104", GENERAL), ("30216", 2, "2010108", GENERAL),
            ("30211", 3, "2010108", GENERAL), ("30212", 0.15, None, GENERAL)),
    "002001": (("30212", 0.15, None, GENERAL),),
    "011": (("30212", 0.15, None, GENERAL),),
    "012": (("30227", 6, "2060499", GENERAL), ("31003", 2, "2060499", GENERAL), ("30212", 0.15, None, GENERAL)),
    "003": (("30231", 6, None, GENERAL),),
    "003001": (("30231", 10, None, GENERAL),),
    "003004": (("31007", 4, None, GENERAL),),
    "006001": (("31005", 6, "2140104", GENERAL), ("30227", 2, "2140104", GENERAL), ("30213", 6, None, GENERAL)),
    "006002": (("30231", 6, None, GENERAL),),
    "007001": (("31005", 4, None, GENERAL), ("31005", 3, "2120803", GOVFUND), ("30227", 2, "2120803", GOVFUND)),
    "007002": (("31005", 3, None, GENERAL), ("30227", 2, None, GENERAL)),
    "008003": (("31005", 5, None, GENERAL), ("30227", 2, None, GENERAL)),
    "009001": (("31003", 2, "2296002", GOVFUND), ("30218", 2, "2296002", GOVFUND)),
    "010001": (("31003", 3, None, GENERAL),),
}
# Monthly rent (30214) on a fixed calendar day, same amount, same landlord: look-alike duplicates.
RENT = {"003004": (42_600.00, 5), "006002": (16_800.00, 8), "012001": (28_500.00, 10), "010002": (75_200.00, 15)}

# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃戴莫向汤")
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建华 文 华 红 志强 海燕 波 辉 鹏 宇 "
         "浩 婷 雪 琳 晨 欣 怡 子涵 梓轩 俊 峰 斌 亮 成 智 慧 颖 倩 佳 瑶 湘 湘云 建国 建军 国强 新华 志刚 丹 玲 "
         "思远 雨涵 嘉怡 俊杰 文博 子豪 佳琪 一鸣 晓东 晓燕 春梅 冬梅 海涛 立新 卫东 红梅 永红 德华 振华 小平").split()
ZIHAO = ("华信 博远 创新 天誉 中科 润达 恒通 鑫源 湘瑞 万联 三湘 麓山 星城 潇湘 楚天 芙蓉 宏图 金穗 盛世 同创 "
         "景程 德润 新元 鸿运 正源 嘉禾 汇通 安泰 长信 卓越 鼎盛 海川 明达 顺达 信达 天元 联创 众合 惠民 永兴 "
         "宏达 金桥 启航 智联 云帆 远景 君安 和信 泰和 祥瑞 圣达 力天 昌盛 雅达 晟通 凯达 思创 九州 亿达 浩源 "
         "正和 诚信 德馨 广源 伟业 瑞丰 金鹰 楚韵 洞庭 衡岳 荷塘 橘洲 梅溪 云麓 湘水 沩江 浏阳河 捞刀河 银盆 "
         "岳峰 金霞 星沙 暮云 坪塘 雨花 望月 东塘 南湖 西岭 北辰").split()
INDUSTRIES = {
    "office": ("文化用品", "办公设备", "商贸", "办公家具"),
    "tech": ("信息技术", "科技", "软件", "网络科技", "数据科技", "智能科技"),
    "build": ("建设工程", "建筑工程", "市政工程", "路桥建设", "公路桥梁建设", "水利水电工程"),
    "repair": ("机电设备", "机电安装工程", "空调工程", "电梯工程", "装饰工程", "设备维修"),
    "hotel": ("大酒店", "宾馆", "酒店管理", "餐饮管理"),
    "training": ("教育咨询", "人才发展", "管理咨询", "职业技能培训"),
    "consult": ("会计师事务所", "工程咨询", "资产评估", "检测技术", "规划设计研究院", "项目管理", "律师事务所"),
    "medical": ("医疗器械", "医药", "生物科技", "医疗设备"),
    "edu_equip": ("教学设备", "文体用品", "图书", "教育装备"),
    "police_equip": ("警用装备", "安防科技", "安防工程"),
    "auto": ("汽车维修服务", "汽车销售服务", "汽车服务"),
    "travel": ("国际旅行社", "旅行社", "航空票务服务"),
    "property": ("物业管理", "置业", "资产管理"),
    "agri": ("农业科技", "种业", "农业机械", "生态农业"),
    "env": ("环保科技", "环境检测", "环境工程", "水处理技术"),
    "culture": ("文化传媒", "广告", "会展服务", "印务", "文化发展"),
    "security": ("保安服务", "保洁服务", "人力资源服务", "物业服务"),
}
POOL_SIZES = {"office": 60, "tech": 120, "build": 80, "repair": 50, "hotel": 40, "training": 25, "consult": 60,
              "medical": 60, "edu_equip": 40, "police_equip": 25, "auto": 30, "travel": 20, "property": 30,
              "agri": 40, "env": 30, "culture": 50, "security": 25}
POOL_FIXED = {   # real-world style names placed at the head of a pool (they are paid most often)
    "auto": ("中国石化销售股份有限公司湖南湘江石油分公司", "中国石油天然气股份有限公司湖南湘江销售分公司",
             "中国人民财产保险股份有限公司湘江市分公司"),
    "training": ("中共湘江市委党校",),
    "travel": ("中国南方航空股份有限公司湖南分公司",),
    "security": ("湘江市保安服务有限公司",),
}
N_PERSONS = 4000
STAFF_PER_UNIT = 40
WATER = "湘江市自来水有限责任公司"
POWER = "国网湖南省电力有限公司湘江供电分公司"
TELECOMS = ("中国移动通信集团湖南有限公司湘江分公司", "中国电信股份有限公司湘江分公司", "中国联合网络通信有限公司湘江市分公司")
BANKS = ("中国建设银行股份有限公司湘江分行", "中国工商银行股份有限公司湘江分行", "中国农业银行股份有限公司湘江分行")
PENSION = "湘江市社会保险事业服务中心"
MEDICAL_INS = "湘江市医疗保障事务中心"
HOUSING_FUND = "湘江市住房公积金管理中心"

# Chinese public holidays and make-up working days (国务院办公厅 notices). Other years: weekends only.
HOLIDAYS = {
    2024: ((date(2024, 1, 1), date(2024, 1, 1)), (date(2024, 2, 10), date(2024, 2, 17)),
           (date(2024, 4, 4), date(2024, 4, 6)), (date(2024, 5, 1), date(2024, 5, 5)),
           (date(2024, 6, 8), date(2024, 6, 10)), (date(2024, 9, 15), date(2024, 9, 17)),
           (date(2024, 10, 1), date(2024, 10, 7))),
    2025: ((date(2025, 1, 1), date(2025, 1, 1)), (date(2025, 1, 28), date(2025, 2, 4)),
           (date(2025, 4, 4), date(2025, 4, 6)), (date(2025, 5, 1), date(2025, 5, 5)),
           (date(2025, 5, 31), date(2025, 6, 2)), (date(2025, 10, 1), date(2025, 10, 8))),
}
MAKEUP_DAYS = {
    2024: (date(2024, 2, 4), date(2024, 2, 18), date(2024, 4, 7), date(2024, 4, 28), date(2024, 5, 11),
           date(2024, 9, 14), date(2024, 9, 29), date(2024, 10, 12)),
    2025: (date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)),
}
EPOCH = date(1970, 1, 1)


# ---------------------------------------------------------------------------------------
# Small building blocks
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    idx: int
    code: str
    name: str
    parent: str | None
    func: str
    kind: str        # admin / inst
    staff: int
    sector: str


def build_units() -> list[Unit]:
    units: list[Unit] = []
    for code, name, func, kind, staff, sector, subs in DEPARTMENTS:
        units.append(Unit(len(units), code, name, None, func, kind, staff, sector))
        for scode, sname, sfunc, sstaff in subs:
            skind = "admin" if code in ADMIN_SUBUNIT_DEPTS else "inst"
            units.append(Unit(len(units), scode, sname, code, sfunc, skind, sstaff, sector))
    return units


class Calendar:
    """Working days of one year (weekends, and for 2024/2025 the public holidays and make-up days)."""

    def __init__(self, year: int):
        self.year = year
        self.start = date(year, 1, 1)
        self.ndays = (date(year + 1, 1, 1) - self.start).days
        days = [self.start + timedelta(i) for i in range(self.ndays)]
        work = np.array([d.weekday() < 5 for d in days])
        for a, b in HOLIDAYS.get(year, ()):
            work[(a - self.start).days:(b - self.start).days + 1] = False
        for d in MAKEUP_DAYS.get(year, ()):
            work[(d - self.start).days] = True
        self.is_work = work
        self.workdays = np.flatnonzero(work).astype(np.int16)
        months = np.array([d.month for d in days])
        wd_month = months[self.workdays]
        self.month_start = np.searchsorted(wd_month, np.arange(1, 13)).astype(np.int64)
        self.month_count = np.bincount(wd_month, minlength=13)[1:].astype(np.int64)
        self.epoch_offset = (self.start - EPOCH).days
        nxt = np.empty(self.ndays, dtype=np.int16)
        last = int(self.workdays[-1])
        for i in range(self.ndays - 1, -1, -1):
            if work[i]:
                last = i
            nxt[i] = last
        self.next_work = nxt           # the working day on or after each day (or the year's last)

    def doy(self, d: date) -> int:
        return (d - self.start).days

    def date(self, doy: int) -> date:
        return self.start + timedelta(int(doy))

    def work_on_or_after(self, month: int, day: int) -> int:
        """The first working day on or after month/day within the month, else the month's last one."""
        d0 = self.doy(date(self.year, month, day))
        for i in range(d0, self.ndays):
            if self.date(i).month != month:
                break
            if self.is_work[i]:
                return i
        last = self.workdays[self.month_start[month - 1] + self.month_count[month - 1] - 1]
        return int(last)

    def find_run(self, frac: float, offsets: tuple[int, ...], lo: int, hi: int) -> int:
        """A day d near lo + frac·(hi − lo) with every d + offset a working day ≤ hi."""
        start = lo + int(frac * max(hi - lo - max(offsets), 0))
        for base in list(range(start, hi + 1)) + list(range(start - 1, lo - 1, -1)):
            if all(base + o <= hi and self.is_work[base + o] for o in offsets):
                return base
        raise ValueError("no room for a planted payment run; choose a later --today")


class Registry:
    """A table of strings (payees with accounts, purposes) addressed by index."""

    def __init__(self):
        self.names: list[str] = []
        self.extra: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, name: str, extra: str = "") -> int:
        i = self.index.get(name)
        if i is None:
            i = self.index[name] = len(self.names)
            self.names.append(name)
            self.extra.append(extra)
        return i

    def __len__(self) -> int:
        return len(self.names)


class Lines:
    """Budget lines (unit, functional code, economic code, fund type), addressed by index."""

    def __init__(self, units: list[Unit]):
        self.units = units
        self.keys: list[tuple[int, str, str, str]] = []
        self.index: dict[tuple[int, str, str, str], int] = {}

    def get(self, unit: int, func: str, econ: str, fund: str = GENERAL) -> int:
        key = (unit, func, econ, fund)
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.keys)
            self.keys.append(key)
        return i

    def key_text(self, i: int) -> str:
        u, f, e, fund = self.keys[i]
        return f"{self.units[u].code}|{f}|{e}|{fund}"

    def arrays(self) -> dict[str, np.ndarray]:
        return {"unit": np.array([k[0] for k in self.keys], dtype=np.int32),
                "econ": np.array([k[2] for k in self.keys])}


class Rows:
    """Payments built one by one (scheduled and planted ones), turned into arrays at the end."""

    def __init__(self):
        self.day: list[int] = []
        self.line: list[int] = []
        self.payee: list[int] = []
        self.cents: list[int] = []
        self.purpose: list[int] = []
        self.tag: list[int] = []

    def add(self, day: int, line: int, payee: int, yuan: float, purpose: int, tag: int = 0) -> None:
        self.day.append(int(day))
        self.line.append(line)
        self.payee.append(payee)
        self.cents.append(int(round(yuan * 100)))
        self.purpose.append(purpose)
        self.tag.append(tag)

    def arrays(self) -> dict[str, np.ndarray]:
        return _pay_arrays(self.day, self.line, self.payee, self.cents, self.purpose, self.tag)


def _pay_arrays(day, line, payee, cents, purpose, tag) -> dict[str, np.ndarray]:
    return {"day": np.asarray(day, dtype=np.int16), "line": np.asarray(line, dtype=np.int32),
            "payee": np.asarray(payee, dtype=np.int32), "cents": np.asarray(cents, dtype=np.int64),
            "purpose": np.asarray(purpose, dtype=np.int32), "tag": np.asarray(tag, dtype=np.int16)}


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _take(arrs: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in arrs.items()}


def _ceil_yuan(x: float) -> float:
    return float(math.ceil(x))


def _floor_yuan(x: float) -> float:
    return float(math.floor(x))


# ---------------------------------------------------------------------------------------
# Payees
# ---------------------------------------------------------------------------------------
def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(map(str, rng.integers(0, 10, n)))


def _company_account(rng: np.random.Generator) -> str:
    prefix = ("43050", "1901", "1810", "5920", "8001")[int(rng.integers(0, 5))]
    return prefix + _digits(rng, 20 - len(prefix) if prefix == "43050" else 19 - len(prefix))


def _person_account(rng: np.random.Generator) -> str:
    prefix = ("6217", "6228", "6222", "6236", "6214")[int(rng.integers(0, 5))]
    return prefix + _digits(rng, 15)


def build_payees(rng: np.random.Generator) -> tuple[Registry, dict[str, tuple[int, int]]]:
    """Every payee with its account; pools of payees by class: class -> (first index, size)."""
    reg = Registry()
    pools: dict[str, tuple[int, int]] = {}
    # people: unique names, each unit reimburses its own STAFF_PER_UNIT of them
    start = len(reg)
    seen: set[str] = set()
    surname_w = np.linspace(3.0, 0.4, len(SURNAMES))
    surname_w /= surname_w.sum()
    while len(reg) - start < N_PERSONS:
        s = SURNAMES[int(rng.choice(len(SURNAMES), p=surname_w))]
        g = GIVEN[int(rng.integers(0, len(GIVEN)))]
        if len(g) == 1 and rng.random() < 0.5:
            g += GIVEN[int(rng.integers(0, len(GIVEN)))][0]
        name = s + g
        if name in seen:
            continue
        seen.add(name)
        reg.add(name, _person_account(rng))
    pools["person"] = (start, N_PERSONS)
    used: set[str] = set()
    for cls, size in POOL_SIZES.items():
        start = len(reg)
        for name in POOL_FIXED.get(cls, ()):
            reg.add(name, _company_account(rng))
            used.add(name)
        while len(reg) - start < size:
            prefix = ("湖南", "湖南", "湖南省", "湘江", "湘江市", "长沙")[int(rng.integers(0, 6))]
            zh = ZIHAO[int(rng.integers(0, len(ZIHAO)))]
            ind = INDUSTRIES[cls][int(rng.integers(0, len(INDUSTRIES[cls])))]
            if ind == "律师事务所":
                name = f"湖南{zh}律师事务所"
            else:
                u = rng.random()
                suffix = "有限公司" if u < 0.75 else ("有限责任公司" if u < 0.92 else "股份有限公司")
                name = f"{prefix}{zh}{ind}{suffix}"
            if name in used or name in reg.index:
                continue
            used.add(name)
            reg.add(name, _company_account(rng))
        pools[cls] = (start, size)
    for name in (WATER, POWER, *TELECOMS, *BANKS, PENSION, MEDICAL_INS, HOUSING_FUND):
        reg.add(name, _company_account(rng))
    return reg, pools


# ---------------------------------------------------------------------------------------
# Enterprises, administrative assets, audit findings
# ---------------------------------------------------------------------------------------
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(rng: np.random.Generator) -> str:
    """A 统一社会信用代码 with valid check characters (GB 32100-2015, GB 11714-1997)."""
    body = _digits(rng, 8)
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


# ---------------------------------------------------------------------------------------
# The generated city
# ---------------------------------------------------------------------------------------
@dataclass
class DemoCity:
    year: int
    today: date
    as_of: date
    scale: float
    seed: int
    units: list[Unit]
    lines: Lines
    payees: Registry
    purposes: Registry
    payments: dict[int, dict[str, np.ndarray]]     # year -> arrays (sorted, with "voucher")
    budget: dict[int, pd.DataFrame]                 # year -> budget lines, yuan
    enterprises: pd.DataFrame                       # amounts in 万元, as the file gives them
    assets_admin: pd.DataFrame
    audit: pd.DataFrame
    planted: list[Planted] = field(default_factory=list)
    suggestions: pd.DataFrame | None = None         # budgetwatch/demo_suggestions.py
    projects: object = None                         # budgetwatch.demo_projects.ProjectPlan
    debt: pd.DataFrame = field(default_factory=pd.DataFrame)   # demo_debt.debt_frame: 亿元, three years

    @property
    def years(self) -> tuple[int, int]:
        return (self.year - 1, self.year)

    def departments_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"dept_code": [u.code for u in self.units], "dept_name": [u.name for u in self.units],
                             "parent_code": [u.parent for u in self.units],
                             "region_code": [REGION_CODE] * len(self.units)})

    def payments_table(self, year: int, lo: int = 0, hi: int | None = None) -> pa.Table:
        """Canonical payments (English names, ISO dates, DECIMAL(18,2) yuan) of rows lo:hi."""
        p = self.payments[year]
        hi = len(p["day"]) if hi is None else hi
        line = pa.array(p["line"][lo:hi])
        payee = pa.array(p["payee"][lo:hi])
        cal_offset = (date(year, 1, 1) - EPOCH).days
        dates = pa.array(p["day"][lo:hi].astype(np.int32) + cal_offset, type=pa.int32()).cast(pa.date32())
        amount = pa.array(p["cents"][lo:hi]).cast(pa.decimal128(20, 0))
        amount = pa.Array.from_buffers(pa.decimal128(20, 2), len(amount), amount.buffers())
        dims = self._dims()
        return pa.table({
            "voucher_no": pa.array(p["voucher"][lo:hi]).cast(pa.string()),
            "pay_date": dates,
            "dept_code": dims["dept"].take(line),
            "func_code": dims["func"].take(line),
            "econ_code": dims["econ"].take(line),
            "fund_type": dims["fund"].take(line),
            "payee": dims["payee"].take(payee),
            "amount": amount,
            "payee_account": dims["account"].take(payee),
            "purpose": dims["purpose"].take(pa.array(p["purpose"][lo:hi])),
            "project_code": self.projects.payment_codes(self, year, lo, hi) if self.projects is not None
            else pa.nulls(hi - lo, pa.string()),
        })

    def payments_frame(self, year: int) -> pd.DataFrame:
        """One year's payments as a DataFrame (amount as float yuan); for tests and small scales."""
        df = self.payments_table(year).to_pandas()
        df["amount"] = df["amount"].astype(float)
        df["pay_date"] = df["pay_date"].astype("datetime64[s]")
        return df

    def _dims(self) -> dict[str, pa.Array]:
        if not hasattr(self, "_dim_cache"):
            keys = self.lines.keys
            self._dim_cache = {
                "dept": pa.array([self.units[k[0]].code for k in keys]),
                "func": pa.array([k[1] for k in keys]),
                "econ": pa.array([k[2] for k in keys]),
                "fund": pa.array([k[3] for k in keys]),
                "payee": pa.array(self.payees.names),
                "account": pa.array(self.payees.extra),
                "purpose": pa.array(self.purposes.names),
            }
        return self._dim_cache


def generate_city(scale: float = 1.0, seed: int = DEFAULT_SEED, today: date | None = None) -> DemoCity:
    """Build the whole city in memory (payments as numpy arrays, the small feeds as DataFrames)."""
    today = today or DEFAULT_TODAY
    if today < date(today.year, 3, 1):
        raise ValueError("today must be on or after 1 March: the demo plants need two months of the year")
    if scale <= 0:
        raise ValueError("scale must be positive")
    year = today.year
    root = np.random.default_rng(seed)
    r_names, r_ent, r_assets, r_audit, r_prev, r_cur, r_plant, r_budget, r_units = root.spawn(9)
    units = build_units()
    by_code = {u.code: u for u in units}
    payees, pools = build_payees(r_names)
    purposes = Registry()
    lines = Lines(units)
    cals = {y: Calendar(y) for y in (year - 1, year)}
    cut = {year - 1: cals[year - 1].ndays - 1, year: cals[year].doy(today)}
    gen = _PaymentGenerator(units, by_code, lines, payees, pools, purposes, scale, r_units)
    planted: list[Planted] = []
    plants = _PaymentPlants(gen, cals[year], cut[year], r_plant, planted)
    pays = {year - 1: gen.year_payments(r_prev, cals[year - 1], staff_factor=0.97),
            year: gen.year_payments(r_cur, cals[year], staff_factor=1.0)}
    pays[year] = plants.plant(pays[year])
    gen.repair_year_end(pays[year], cals[year], cut[year], skip={plants.rush_unit, plants.rush_lookalike})
    last_day = int(pays[year]["day"][pays[year]["day"] <= cut[year]].max())
    gen.rescale_sangong(pays, cals, cals[year].date(last_day), plants)     # the as-of date the rules will use
    # full-year and to-date totals per line drive the budgets
    budgets = {}
    for y in (year - 1, year):
        p = pays[y]
        gross = np.where(p["cents"] > 0, p["cents"], 0)   # refunds do not shrink the budget
        full = np.bincount(p["line"], weights=gross, minlength=len(lines.keys)) / 100.0
        todate_mask = p["day"] <= cut[y]
        todate = np.bincount(p["line"][todate_mask], weights=p["cents"][todate_mask],
                             minlength=len(lines.keys)) / 100.0
        budgets[y] = _budget_frame(y, y == year, units, lines, full, todate, r_budget, plants, planted)
    # cut the current year at today, sort by date and number the vouchers
    for y in (year - 1, year):
        p = pays[y]
        keep = np.flatnonzero(p["day"] <= cut[y])
        p = _take(p, keep[np.argsort(p["day"][keep], kind="stable")])
        rng = r_prev if y < year else r_cur
        steps = 1 + (rng.random(len(p["day"])) < 0.02).astype(np.int64)   # voided numbers leave gaps
        p["voucher"] = np.int64(y) * 10_000_000_000 + np.cumsum(steps)
        pays[y] = p
    as_of = cals[year].date(int(pays[year]["day"].max()))
    plants.resolve(pays[year], year)
    enterprises = _enterprises(year, r_ent, planted)
    assets = _admin_assets(year, units, r_assets, planted)
    audit = _audit_findings(year, as_of, units, r_audit, planted)
    _plan_unit_rules(year, cals, as_of, planted, plants, gen, pays, budgets[year])
    from budgetwatch import demo_suggestions   # its own stream: the other feeds do not change
    suggestions, plants = demo_suggestions.generate(year, as_of, units, np.random.default_rng([seed, 7]))
    planted += [Planted(*p) for p in plants]
    debt = demo_debt.debt_frame(year, seed, planted, Planted)
    city = DemoCity(year=year, today=today, as_of=as_of, scale=scale, seed=seed, units=units, lines=lines,
                    payees=payees, purposes=purposes, payments=pays, budget=budgets, enterprises=enterprises,
                    assets_admin=assets, audit=audit, planted=planted, suggestions=suggestions, debt=debt)
    from budgetwatch.demo_projects import plan_projects
    city.projects = plan_projects(city)     # ties projects to existing capital lines; no amount changes
    return city


class _PaymentGenerator:
    """Ordinary payments of a year: the scheduled ones and the random stream, plus the repairs."""

    def __init__(self, units, by_code, lines, payees, pools, purposes, scale, rng):
        self.units, self.by_code, self.lines = units, by_code, lines
        nu = len(units)     # stable per-unit traits (the same in both years)
        self.wage_f = np.clip(np.exp(rng.normal(0, 0.15, (nu, 3))), 0.8, 1.2)
        big = np.array([u.staff > 300 for u in units])
        self.wage_f[big] = np.minimum(self.wage_f[big], 1.0)     # big units: pay levels no higher than most
        self.util_f = np.clip(np.exp(rng.normal(0, 0.2, (nu, 3))), 0.7, 1.4)
        self.prop_f = rng.uniform(0.8, 1.25, nu)
        self.sangong_growth = rng.uniform(0.88, 1.12, nu)
        self.payees, self.pools, self.purposes = payees, pools, purposes
        self.scale = scale
        self.target = max(int(round(PAYMENTS_PER_SCALE * scale)), 1)
        self.min_count: dict[str, int] = {}
        self._build_random_lines()

    # -- the random stream's lines -----------------------------------------------------
    def _build_random_lines(self) -> None:
        specs = []   # (unit idx, line id, weight, econ, pool class a, class b, p_a)
        for u in self.units:
            items: dict[tuple[str, str, str], float] = {}
            for econ, w in BASE_WEIGHTS.items():
                items[(u.func, econ, GENERAL)] = items.get((u.func, econ, GENERAL), 0) + w
            extras = list(SECTOR_LINES.get(u.sector, ())) if u.parent else []
            extras += list(UNIT_LINES.get(u.code, ()))
            for econ, w, func, fund in extras:
                key = (func or u.func, econ, fund)
                items[key] = items.get(key, 0) + w
            for (func, econ, fund), w in items.items():
                line = self.lines.get(u.idx, func, econ, fund)
                classes = RANDOM_ECON[econ][3]
                ca = classes[0][0]
                cb = classes[1][0] if len(classes) > 1 else ca
                pa_ = classes[0][1]
                ca = SECTOR_POOL[u.sector] if ca == "sector" else ca
                cb = SECTOR_POOL[u.sector] if cb == "sector" else cb
                specs.append((u.idx, line, w, econ, ca, cb, pa_))
        self.class_names = ["person", *POOL_SIZES]
        cls_id = {c: i for i, c in enumerate(self.class_names)}
        self.pool_start = np.array([self.pools[c][0] for c in self.class_names], dtype=np.int64)
        self.pool_size = np.array([self.pools[c][1] for c in self.class_names], dtype=np.int64)
        r = self.rl = {}
        r["unit"] = np.array([s[0] for s in specs], dtype=np.int32)
        r["line"] = np.array([s[1] for s in specs], dtype=np.int32)
        r["weight"] = np.array([s[2] for s in specs], dtype=np.float64)
        econs = [s[3] for s in specs]
        r["mu"] = np.log([RANDOM_ECON[e][0] for e in econs])
        r["sigma"] = np.array([RANDOM_ECON[e][1] for e in econs])
        r["profile"] = np.array([RANDOM_ECON[e][2] for e in econs], dtype=np.int8)
        r["cls_a"] = np.array([cls_id[s[4]] for s in specs], dtype=np.int16)
        r["cls_b"] = np.array([cls_id[s[5]] for s in specs], dtype=np.int16)
        r["p_a"] = np.array([s[6] for s in specs])
        starts, counts = [], []
        for e in econs:
            opts = RANDOM_ECON[e][4]
            starts.append(self.purposes.add(opts[0]))
            for o in opts[1:]:
                self.purposes.add(o)
            counts.append(len(opts))
        r["purp_start"] = np.array(starts, dtype=np.int32)
        r["purp_count"] = np.array(counts, dtype=np.int32)
        r["econ"] = np.array(econs)
        self.refund_purpose = {e: self.purposes.add(f"退回{ECON_NAMES[e]}") for e in RANDOM_ECON}
        # payments a unit makes grow less than proportionally with its staff
        self.unit_weight = np.array([u.staff ** 0.6 for u in self.units])

    # -- one year ------------------------------------------------------------------------
    def year_payments(self, rng: np.random.Generator, cal: Calendar, staff_factor: float) -> dict[str, np.ndarray]:
        sched = self._scheduled(rng, cal, staff_factor)
        n_random = max(self.target - len(sched["day"]), 0)
        rand = self._random(rng, cal, n_random)
        refunds = self._refunds(rng, cal, rand)
        return _concat([sched, rand, refunds])

    def _scheduled(self, rng: np.random.Generator, cal: Calendar, staff_factor: float) -> dict[str, np.ndarray]:
        rows = Rows()
        P, L = self.payees.add, self.lines.get
        purpose = self.purposes.add
        season_w = (0.9, 0.85, 0.9, 0.95, 1.05, 1.15, 1.25, 1.25, 1.1, 1.0, 0.9, 0.95)
        season_e = (1.25, 1.1, 0.9, 0.85, 0.95, 1.2, 1.45, 1.5, 1.15, 0.9, 0.95, 1.2)
        y = cal.year
        for u in self.units:
            staff = max(int(round(u.staff * staff_factor)), 5)
            bank = P(BANKS[u.idx % len(BANKS)])
            health_func = "2101101" if u.kind == "admin" else "2101102"
            wf, uf = self.wage_f[u.idx], self.util_f[u.idx]
            property_amount = round(staff ** 0.7 * 900.0 * self.prop_f[u.idx], -1)
            property_co = self.pools["property"][0] + (u.idx * 7) % self.pools["property"][1]
            for m in range(1, 13):
                d_pay = cal.work_on_or_after(m, 10)
                base = staff * 3300 * wf[0] * (1 + rng.normal(0, 0.004))
                allow = staff * 2700 * wf[1] * (1 + rng.normal(0, 0.01))
                rows.add(d_pay, L(u.idx, u.func, "30101"), bank, base, purpose(f"{m}月基本工资"))
                rows.add(d_pay, L(u.idx, u.func, "30102"), bank, allow, purpose(f"{m}月津贴补贴"))
                wages = base + allow
                if u.kind == "inst":
                    perf = staff * 2900 * wf[2] * (1 + rng.normal(0, 0.02))   # after the month's assessment
                    rows.add(cal.work_on_or_after(m, 25), L(u.idx, u.func, "30107"), bank, perf,
                             purpose(f"{m}月绩效工资"))
                    wages += perf
                d_soc = cal.work_on_or_after(m, 20)
                rows.add(d_soc, L(u.idx, "2080505", "30108"), P(PENSION), wages * 0.16,
                         purpose(f"{m}月机关事业单位基本养老保险缴费"))
                rows.add(d_soc, L(u.idx, health_func, "30110"), P(MEDICAL_INS), wages * 0.08,
                         purpose(f"{m}月职工基本医疗保险缴费"))
                rows.add(d_soc, L(u.idx, "2210201", "30113"), P(HOUSING_FUND), wages * 0.12,
                         purpose(f"{m}月住房公积金"))
                d_util = cal.work_on_or_after(m, 25)
                rows.add(d_util, L(u.idx, u.func, "30206"), P(POWER),
                         staff ** 0.75 * 300 * uf[0] * season_e[m - 1] * (1 + rng.normal(0, 0.08)), purpose(f"{m}月电费"))
                if m % 3 == 0:      # water and telephone bills come quarterly
                    q = m // 3
                    rows.add(d_util, L(u.idx, u.func, "30205"), P(WATER),
                             staff ** 0.75 * 90 * uf[1] * sum(season_w[m - 3:m]) * (1 + rng.normal(0, 0.08)),
                             purpose(f"第{q}季度水费"))
                    rows.add(d_util, L(u.idx, u.func, "30207"), P(TELECOMS[u.idx % 3]),
                             staff ** 0.75 * 420 * uf[2] * (1 + rng.normal(0, 0.05)), purpose(f"第{q}季度通信费"))
                if m % 3 == 1:   # property management paid a quarter in advance
                    rows.add(cal.work_on_or_after(m, 5), L(u.idx, u.func, "30209"), property_co, property_amount,
                             purpose(f"第{m // 3 + 1}季度物业管理费"))
                if u.code in RENT:
                    amount, dom = RENT[u.code]
                    landlord = self.pools["property"][0] + (u.idx * 11 + 3) % self.pools["property"][1]
                    rows.add(cal.doy(date(y, m, dom)), L(u.idx, u.func, "30214"), landlord, amount,
                             purpose(f"{m}月办公用房租金"))
                if u.code == "013001":   # the social insurance fund pays pensions
                    rows.add(cal.work_on_or_after(m, 15), L(u.idx, "2090101", "30302", SOCIAL), P(BANKS[0]),
                             28_000_000 * (1 + 0.004 * m + rng.normal(0, 0.005)), purpose(f"{m}月企业职工基本养老金发放"))
            d_dec = cal.work_on_or_after(12, 21)
            if u.kind == "admin":
                rows.add(d_dec, L(u.idx, u.func, "30103"), bank, staff * 9000 * (1 + rng.normal(0, 0.02)),
                         purpose("年终一次性奖金"))
            else:
                rows.add(d_dec, L(u.idx, u.func, "30107"), bank, staff * 6000 * (1 + rng.normal(0, 0.02)),
                         purpose("年终绩效奖励"))
        # state capital injections (国有资本经营预算) from the SASAC to its enterprises
        soe = self.by_code["014"]
        for k, (name, month) in enumerate((("湘江科技创新投资有限公司", 4), ("湘江农业发展投资有限公司", 7),
                                           ("湘江文化旅游产业集团有限公司", 11))):
            payee = self.payees.add(name, "43050" + "0" * 5 + f"{1000000000 + k * 7919:010d}")
            rows.add(cal.work_on_or_after(month, 12), L(soe.idx, "2230201", "31201", STATECAP), payee,
                     round(rng.uniform(5e6, 3e7), -4), purpose("国有企业资本金注入"))
        return rows.arrays()

    def _random(self, rng: np.random.Generator, cal: Calendar, n: int) -> dict[str, np.ndarray]:
        r = self.rl
        w = self.unit_weight / self.unit_weight.sum()
        counts = np.floor(n * w).astype(np.int64)
        counts[: max(n - int(counts.sum()), 0)] += 1
        forced = np.zeros(len(counts), dtype=bool)
        for code, minimum in self.min_count.items():
            i = self.by_code[code].idx
            if counts[i] < minimum:
                counts[i], forced[i] = minimum, True
        excess = int(counts.sum()) - n          # taken back from the other units, keeping the total
        if excess > 0 and counts[~forced].sum() > excess:
            others = np.flatnonzero(~forced)
            cut = np.floor(counts[others] * excess / counts[others].sum()).astype(np.int64)
            cut[: excess - int(cut.sum())] += 1
            counts[others] -= cut
        parts = []
        for u in range(len(self.units)):
            sel = np.flatnonzero(r["unit"] == u)
            p = r["weight"][sel] / r["weight"][sel].sum()
            parts.append(sel[rng.choice(len(sel), size=int(counts[u]), p=p)])
        rl = np.concatenate(parts)             # index into the random-line arrays, one per payment
        total = len(rl)
        # month by profile, then a working day of the month
        month = np.empty(total, dtype=np.int64)
        u = rng.random(total)
        prof = r["profile"][rl]
        for k in range(len(PROFILES)):
            m = prof == k
            cdf = np.cumsum(PROFILES[k]) / PROFILES[k].sum()
            month[m] = np.minimum(np.searchsorted(cdf, u[m], side="right"), 11)
        pick = cal.month_start[month] + (rng.random(total) * cal.month_count[month]).astype(np.int64)
        day = cal.workdays[pick]
        z = np.clip(rng.standard_normal(total), -3.3, 3.3)
        amount = np.exp(r["mu"][rl] + r["sigma"][rl] * z)
        # Nudge each unit's mantissas (log10 amount mod 1) onto a stratified grid, keeping their order:
        # amounts move by a few percent, and an ordinary unit's first digits follow Benford's law
        # closely instead of only up to sampling noise (which alone nears BENFORD's 0.015 at 1,000).
        unit_of = r["unit"][rl].astype(np.int64)
        lg = np.log10(amount)
        decade = np.floor(lg)
        order = np.argsort(unit_of * 2.0 + (lg - decade))
        n_u = np.bincount(unit_of, minlength=len(self.units))
        first = np.cumsum(n_u) - n_u
        rank = np.empty(total, dtype=np.int64)
        rank[order] = np.arange(total) - first[unit_of[order]]
        mantissa = (rank + rng.random(total)) / n_u[unit_of]
        cents = np.round(10.0 ** (decade + mantissa) * 100).astype(np.int64)
        cls = np.where(rng.random(total) < r["p_a"][rl], r["cls_a"][rl], r["cls_b"][rl])
        unit = r["unit"][rl].astype(np.int64)
        v = rng.random(total)
        size = self.pool_size[cls]
        is_person = cls == 0
        rank = np.where(is_person, (v * STAFF_PER_UNIT).astype(np.int64) + unit * STAFF_PER_UNIT,
                        (size * v ** 2).astype(np.int64) + unit * 7)
        payee = self.pool_start[cls] + rank % size
        purpose = r["purp_start"][rl] + (rng.random(total) * r["purp_count"][rl]).astype(np.int32)
        return _pay_arrays(day, r["line"][rl], payee, cents, purpose, np.zeros(total, dtype=np.int16))

    def _refunds(self, rng: np.random.Generator, cal: Calendar, rand: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        n = min(max(int(round(len(rand["day"]) * 0.002)), 3), len(rand["day"]))
        if n == 0:
            return _pay_arrays([], [], [], [], [], [])
        src = rng.choice(len(rand["day"]), size=n, replace=False)
        day = np.minimum(rand["day"][src].astype(np.int64) + rng.integers(3, 30, n), cal.ndays - 1)
        day = cal.next_work[day]
        frac = np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.05, 0.6, n))
        cents = -np.maximum(np.round(rand["cents"][src] * frac), 1).astype(np.int64)
        econ_of_line = np.array([k[2] for k in self.lines.keys])
        purpose = np.array([self.refund_purpose[e] for e in econ_of_line[rand["line"][src]]], dtype=np.int32)
        return _pay_arrays(day, rand["line"][src], rand["payee"][src], cents, purpose, np.zeros(n, dtype=np.int16))

    # -- repairs that keep look-alike-free units quiet -----------------------------------
    def repair_year_end(self, p: dict[str, np.ndarray], cal: Calendar, cut: int, skip: set) -> None:
        """Move December's largest random payments of a unit to earlier months until December is
        at most 20% of its year and at most 2× its January–November mean (no natural YEAR_END_RUSH)."""
        if cal.date(cut).month != 12:
            return
        dec0 = cal.doy(date(cal.year, 12, 1))
        unit = self.lines.arrays()["unit"][p["line"]]
        live = (p["day"] <= cut) & (p["cents"] > 0)
        nu = len(self.units)
        total_u = np.bincount(unit[live], weights=p["cents"][live], minlength=nu)
        in_dec = live & (p["day"] >= dec0)
        dec_u = np.bincount(unit[in_dec], weights=p["cents"][in_dec], minlength=nu)
        for u in np.flatnonzero((dec_u > 0.20 * total_u) | (dec_u > 2.0 * (total_u - dec_u) / 11)):
            if u in skip:
                continue
            mine = np.flatnonzero((unit == u) & live)
            dec = mine[p["day"][mine] >= dec0]
            total = p["cents"][mine].sum()
            d = p["cents"][dec].sum()
            movable = dec[(p["tag"][dec] == 0)]
            movable = movable[np.argsort(-p["cents"][movable])]
            k = 0
            while k < len(movable) and (d > 0.20 * total or d > 2.0 * (total - d) / 11):
                i = movable[k]
                span = int(cal.month_start[11] - cal.month_start[2])      # March … November
                p["day"][i] = cal.workdays[int(cal.month_start[2]) + (k * 37) % span]
                d -= p["cents"][i]
                k += 1

    def rescale_sangong(self, pays, cals, as_of: date, plants: "_PaymentPlants") -> None:
        """Scale the 三公经费 of the planted units to their plan, and of any other unit whose drawn amounts
        would grow by more than 20% and 50,000 yuan (same period, year on year) to a growth of 0.88–1.12."""
        year = as_of.year
        prev_cut_date = date(year - 1, as_of.month, min(as_of.day, 28 if as_of.month == 2 else as_of.day))
        cut = {year: cals[year].doy(as_of), year - 1: cals[year - 1].doy(prev_cut_date)}
        line_unit = self.lines.arrays()["unit"]
        line_econ = self.lines.arrays()["econ"]
        is_sg = np.isin(line_econ, SANGONG)
        totals, masks = {}, {}
        for y in (year - 1, year):
            p = pays[y]
            sg = is_sg[p["line"]] & (p["tag"] == 0)
            masks[y] = sg
            m = sg & (p["day"] <= cut[y])
            totals[y] = np.bincount(line_unit[p["line"][m]], weights=p["cents"][m], minlength=len(self.units))
        growth = self.sangong_growth
        f_prev = np.ones(len(self.units))
        f_cur = np.ones(len(self.units))
        for u in range(len(self.units)):
            tp, tc = totals[year - 1][u], totals[year][u]
            if tp <= 0 or tc <= 0:
                continue
            code = self.units[u].code
            g, base = growth[u], math.sqrt(tp * tc)
            if code not in plants.sangong and not (tc > 1.2 * tp and tc - tp > 5_000_000):
                continue            # would not fire: leave the amounts as drawn
            if code in plants.sangong:
                g_plan, min_base, max_base = plants.sangong[code]
                base_plan = min(max(tp, min_base * 100), max_base * 100)
                if code in plants.sangong_fires or 0.6 <= base_plan / tp <= 2.0:
                    g, base = g_plan, base_plan
                else:       # a look-alike that would distort this scale's amounts too much: left out
                    plants.sangong_skipped.add(code)
            f_prev[u] = base / tp
            f_cur[u] = g * base / tc        # a planted car purchase (tagged) comes on top
        self.sangong_factors = (f_prev, f_cur)
        for y, f in ((year - 1, f_prev), (year, f_cur)):
            p = pays[y]
            idx = np.flatnonzero(masks[y])
            fu = f[line_unit[p["line"][idx]]]
            p["cents"][idx] = np.round(p["cents"][idx] * fu).astype(np.int64)


class _PaymentPlants:
    """The payment-level anomalies planted into the current year, and their look-alikes."""

    def __init__(self, gen: _PaymentGenerator, cal: Calendar, cut: int, rng: np.random.Generator,
                 planted: list[Planted]):
        self.gen, self.cal, self.cut, self.rng, self.planted = gen, cal, cut, rng, planted
        self.tags: dict[int, dict] = {}
        self.rows = Rows()
        U = gen.by_code
        self.rush_unit = U["011001"].idx
        self.rush_lookalike = U["002003"].idx
        self.benford_unit = "008002"
        # enough payments by `today` for BENFORD (at least 1,000 positive ones)
        month = cal.date(cut).month
        weights = PROFILES[ROUTINE]
        share = (weights[:month - 1].sum() + weights[month - 1] * cal.date(cut).day / 31) / weights.sum()
        gen.min_count[self.benford_unit] = int(math.ceil(1300 / share))
        # 三公 plans: unit -> (growth, min base, max base) in yuan, on the same-period basis
        self.sangong_fires = {"003"}
        self.sangong_skipped: set[str] = set()
        self.sangong = {"003": (1.55, 150_000, 10**12),     # fires
                        "005002": (1.30, 0, 120_000),        # +30% but under 50,000 more: quiet
                        "003001": (1.15, 400_000, 10**12)}   # +15%, over 50,000 more: quiet
        self.over_line = gen.lines.get(U["003001"].idx, "2040220", "30231")
        self.near_line = gen.lines.get(U["002003"].idx, "2100401", "30227")
        self.nobudget_lines: set[int] = set()

    def _tag(self, rule: str, fires: bool, note: str, kind: str = "all", severity: str | None = None) -> int:
        t = len(self.tags) + 1
        self.tags[t] = dict(rule=rule, fires=fires, note=note, kind=kind, severity=severity)
        return t

    def _company(self, cls: str, k: int) -> int:
        start, size = self.gen.pools[cls]
        return start + (size - 1 - k) % size      # from the tail of a pool: rarely paid otherwise

    def plant(self, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        gen, cal, cut, rng = self.gen, self.cal, self.cut, self.rng
        L, U, purpose = gen.lines.get, gen.by_code, gen.purposes.add
        lo = cal.doy(date(cal.year, 1, 15))
        add = self.rows.add
        # DUPLICATE_PAYMENT: same unit, payee and amount one day apart and the same day
        t = self._tag("DUPLICATE_PAYMENT", True, "同一单位同一收款人同一金额相隔1天重复支付", "dup", "high")
        d = cal.find_run(0.30, (0, 1), lo, cut)
        line, payee = L(U["001002"].idx, "2050204", "30227"), self._company("tech", 1)
        for k in range(2):
            add(d + k, line, payee, 48_600.00, purpose("智慧校园平台技术服务费"), t)
        t = self._tag("DUPLICATE_PAYMENT", True, "同一单位同一收款人同一金额同日重复支付", "dup", "high")
        d = cal.find_run(0.55, (0,), lo, cut)
        line, payee = L(U["002001"].idx, "2100201", "31003"), self._company("medical", 1)
        for _ in range(2):
            add(d, line, payee, 126_350.00, purpose("采购医用监护设备"), t)
        t = self._tag("DUPLICATE_PAYMENT", False, "look-alike: 同一金额相隔4天，超出0–3天窗口")
        d = cal.find_run(0.40, (0, 4), lo, cut)
        line, payee = L(U["004001"].idx, "2010650", "30213"), self._company("repair", 1)
        for k in (0, 4):
            add(d + k, line, payee, 23_800.00, purpose("办公楼维修"), t)
        # SPLIT_PAYMENT: three payments just under the 1,000,000 approval threshold within 5 days
        t = self._tag("SPLIT_PAYMENT", True, "5天内向同一收款人支付3笔80–100万元，合计超过100万元", "all", "high")
        d = cal.find_run(0.60, (0, 2, 4), lo, cut)
        line, payee = L(U["007001"].idx, "2120399", "31005"), self.gen.payees.add("湖南湘建市政工程有限公司", "430501" + "8" * 14)
        for k, amount in zip((0, 2, 4), (968_500.00, 955_200.00, 987_300.00)):
            add(d + k, line, payee, amount, purpose("道路提质改造工程进度款"), t)
        t = self._tag("SPLIT_PAYMENT", False, "look-alike: 3笔90余万元但跨度14天")
        d = cal.find_run(0.35, (0, 7, 14), lo, cut)
        line = L(U["006001"].idx, "2140106", "31003")
        payee = self.gen.payees.add("湖南路通公路养护设备有限公司", "190121" + "6" * 13)
        for k, amount in zip((0, 7, 14), (932_000.00, 918_400.00, 941_700.00)):
            add(d + k, line, payee, amount, purpose("公路养护专用设备采购"), t)
        t = self._tag("SPLIT_PAYMENT", False, "look-alike: 3笔之一低于80万元，只有2笔在区间内")
        d = cal.find_run(0.70, (0, 1, 2), lo, cut)
        line = L(U["008003"].idx, "2130153", "30227")
        payee = self.gen.payees.add("湖南沃土农田水利工程咨询有限公司", "181001" + "5" * 13)
        for k, amount in zip((0, 1, 2), (921_000.00, 760_000.00, 905_500.00)):
            add(d + k, line, payee, amount, purpose("高标准农田建设项目监理及技术服务费"), t)
        # NO_BUDGET: payments on lines without a budget
        t = self._tag("NO_BUDGET", True, "无预算支出：该功能科目/经济科目无预算指标", "all", "high")
        nb1 = L(U["008001"].idx, "2130199", "30227")
        nb2 = L(U["007"].idx, "2120101", "30211", GOVFUND)
        self.nobudget_lines = {nb1, nb2}
        for frac, line, amount, text in ((0.25, nb1, 86_400.00, "农产品质量检测委托服务费"),
                                         (0.65, nb1, 132_000.00, "执法辅助服务委托费"),
                                         (0.45, nb2, 6_830.00, "报销差旅费")):
            staff_member = gen.pools["person"][0] + U["007"].idx * STAFF_PER_UNIT
            payee = self._company("consult", 2) if line == nb1 else staff_member
            add(cal.find_run(frac, (0,), lo, cut), line, payee, amount, purpose(text), t)
        # AMOUNT_OUTLIER: amounts extreme for their economic code
        t = self._tag("AMOUNT_OUTLIER", True, "金额在该经济科目中极端偏高", "all", "medium")
        for frac, code, func, econ, cls, amount, text in (
                (0.20, "004002", "2010699", "30211", "travel", 1_286_000.00, "差旅费"),
                (0.50, "004001", "2010650", "30201", "office", 2_350_000.00, "办公用品采购"),
                (0.75, "009003", "2081004", "30213", "repair", 8_650_000.00, "殡仪馆维修改造")):
            add(cal.find_run(frac, (0,), lo, cut), L(U[code].idx, func, econ), self._company(cls, 3), amount,
                purpose(text), t)
        # SANGONG_GROWTH: a car bought this year on top of higher running costs
        t_car = self._tag("SANGONG_GROWTH", True, "", "none")
        add(cal.find_run(0.55, (0,), lo, cut), L(U["003"].idx, "2040201", "31013"), self._company("auto", 4),
            268_000.00, purpose("公务用车购置（执法执勤用车）"), t_car)
        # OVER_BUDGET / near look-alike lines get ordinary payments; the budget is set from them later
        # YEAR_END_RUSH: December purchases of a museum, and a look-alike below 25%
        parts = [self.rows.arrays()]
        if cal.date(cut).month == 12:
            parts.append(self._rush(p, self.rush_unit, 0.45,
                                    ((U["011001"].func, "31003", "edu_equip"), (U["011001"].func, "30227", "culture")),
                                    ("展陈设备采购", "展陈提升改造服务费"), self._tag("YEAR_END_RUSH", True, "", "none")))
            parts.append(self._rush(p, self.rush_lookalike, 0.22,
                                    ((U["002003"].func, "31003", "medical"),), ("检测设备采购",),
                                    self._tag("YEAR_END_RUSH", False, "", "none")))
        # BENFORD: amounts of one unit crowd just below 5,000 and 10,000
        self._benford(p)
        return _concat([p, *parts])

    def _rush(self, p, unit: int, share: float, lines, texts, tag: int) -> dict[str, np.ndarray]:
        gen, cal, cut, rng = self.gen, self.cal, self.cut, self.rng
        line_unit = gen.lines.arrays()["unit"]
        dec0 = cal.doy(date(cal.year, 12, 1))
        mine = (line_unit[p["line"]] == unit) & (p["day"] <= cut) & (p["cents"] > 0)
        total = p["cents"][mine].sum() / 100
        dec = p["cents"][mine & (p["day"] >= dec0)].sum() / 100
        x = max((share * total - dec) / (1 - share), 0.0)
        rows = Rows()
        n = max(int(math.ceil(x / 550_000)), 6)
        amounts = rng.uniform(0.75, 1.25, n)          # all below 800,000: no SPLIT_PAYMENT look-alike
        amounts = amounts / amounts.sum() * x
        days = cal.workdays[(cal.workdays >= dec0) & (cal.workdays <= cut)]
        for k, a in enumerate(amounts):
            func, econ, cls = lines[k % len(lines)]
            rows.add(int(days[k % len(days)]), gen.lines.get(unit, func, econ), self._company(cls, 5 + k),
                     round(float(a), 2), gen.purposes.add(texts[k % len(texts)]), tag)
        return rows.arrays()

    def _benford(self, p) -> None:
        gen, rng = self.gen, self.rng
        u = gen.by_code[self.benford_unit].idx
        line_unit = gen.lines.arrays()["unit"]
        line_econ = gen.lines.arrays()["econ"]
        sel = np.flatnonzero((line_unit[p["line"]] == u) & (p["tag"] == 0) & (p["cents"] > 0)
                             & np.isin(line_econ, ("30201", "30211", "30213", "30226", "30227", "30299"))[p["line"]])
        sel = sel[rng.random(len(sel)) < 0.6]
        low = rng.random(len(sel)) < 0.5
        p["cents"][sel] = np.where(low, rng.integers(480_000, 500_000, len(sel)),
                                   rng.integers(950_000, 1_000_000, len(sel)))

    def resolve(self, p: dict[str, np.ndarray], year: int) -> None:
        """After sorting and numbering: the vouchers of each tagged plant."""
        for t, spec in self.tags.items():
            idx = np.flatnonzero(p["tag"] == t)
            if spec["kind"] == "none" or len(idx) == 0:
                continue
            idx = idx[np.lexsort((p["voucher"][idx], p["day"][idx]))]
            for n, i in enumerate(idx):
                fires = spec["fires"] and not (spec["kind"] == "dup" and n == 0)
                note = spec["note"] if fires or not spec["fires"] else "重复支付的第一笔（不预警）"
                self.planted.append(Planted(spec["rule"], str(int(p["voucher"][i])), year, fires,
                                            spec["severity"] if fires else None, note))


def _budget_frame(year, current, units, lines, full, todate, rng, plants: _PaymentPlants, planted):
    rate_ranges = {"012": (0.42, 0.50), "011": (0.74, 0.80), "010": (0.855, 0.875)} if current else {}
    rows = []
    keys = lines.keys
    for i, (u, func, econ, fund) in enumerate(keys):
        if current and i in plants.nobudget_lines:
            continue
        spent = full[i]
        if spent <= 0:
            continue
        dept = units[u].parent or units[u].code
        lo, hi = rate_ranges.get(dept, (0.88, 0.985))
        adjusted = _ceil_yuan(spent / rng.uniform(lo, hi))
        if current and i == plants.over_line:
            adjusted = _floor_yuan(todate[i] * 0.9)
        elif current and i == plants.near_line:
            adjusted = _ceil_yuan(todate[i] / 0.995)
        change = 0.0 if rng.random() < 0.7 else rng.uniform(-0.08, 0.15)
        original = _ceil_yuan(adjusted / (1 + change)) if not (current and i == plants.over_line) else adjusted
        rows.append((year, units[u].code, func, econ, fund, original, adjusted))
    # a few lines budgeted and not spent at all
    for u in units[::7]:
        key = (u.idx, u.func, "30216", GENERAL)
        if key not in lines.index or full[lines.index[key]] <= 0:
            amount = _ceil_yuan(rng.uniform(20_000, 120_000))
            rows.append((year, u.code, u.func, "30216", GENERAL, amount, amount))
    df = pd.DataFrame(rows, columns=["year", "dept_code", "func_code", "econ_code", "fund_type",
                                     "original_amount", "adjusted_amount"])
    if current:
        planted.append(Planted("OVER_BUDGET", lines.key_text(plants.over_line), year, True, "high",
                               "支出超过调整预算数约11%"))
        planted.append(Planted("OVER_BUDGET", lines.key_text(plants.near_line), year, False, None,
                               "look-alike: 执行99.5%，未超预算"))
    return df.sort_values(["dept_code", "func_code", "econ_code", "fund_type"], ignore_index=True)


def _plan_unit_rules(city_year: int, cals, as_of: date, planted, plants: _PaymentPlants, gen: _PaymentGenerator,
                     pays, budget) -> None:
    """Planted entries of the department- and unit-level payment rules, with their actual numbers."""
    year = city_year
    cal = cals[year]
    units = gen.units
    line_unit = gen.lines.arrays()["unit"]
    line_econ = gen.lines.arrays()["econ"]
    p = pays[year]
    unit = line_unit[p["line"]]
    dept_of = np.array([gen.by_code[u.parent].idx if u.parent else u.idx for u in units])
    # EXEC_LAG
    spent = np.bincount(dept_of[unit], weights=p["cents"], minlength=len(units)) / 100
    adjusted = budget.groupby(budget["dept_code"].str[:3])["adjusted_amount"].sum()
    schedule = (cal.doy(as_of) + 1) / cal.ndays
    planned = {"012": (True, "市科学技术局执行率远低于序时进度"),
               "011": (True, "市文化旅游广电局执行率落后序时进度"),
               "010": (False, "look-alike: 市生态环境局落后序时进度不到15个百分点")}
    for u in units:
        if u.parent:
            continue
        rate = spent[u.idx] / float(adjusted[u.code])
        lag = schedule - rate
        fires = bool(as_of.month >= 3 and lag > 0.15 and adjusted[u.code] >= 1_000_000)
        expect, text = planned.get(u.code, (None, "（未专门设置）资本性项目集中在下半年支付，年中执行偏慢"))
        if expect is None and not fires:
            continue
        planted.append(Planted("EXEC_LAG", u.code, year, fires, ("high" if lag > 0.30 else "medium") if fires else None,
                               f"{text}：执行率{rate:.1%}，序时进度{schedule:.1%}"
                               + ("" if expect is None or fires == expect else "（本次日期下不触发）")))
    # YEAR_END_RUSH
    if as_of.month == 12:
        dec0 = cal.doy(date(year, 12, 1))
        for u, expect in ((plants.rush_unit, True), (plants.rush_lookalike, False)):
            mine = unit == u
            total = p["cents"][mine].sum()
            dec = p["cents"][mine & (p["day"] >= dec0)].sum()
            share = dec / total
            ratio = dec / ((total - dec) / 11)
            fires = bool(total >= 100_000_000 and share > 0.25 and ratio > 2.5)
            note = f"12月支出占全年{share:.1%}，为1–11月月均的{ratio:.1f}倍"
            planted.append(Planted("YEAR_END_RUSH", units[u].code, year, fires, "medium" if fires else None,
                                   note if expect else "look-alike: " + note))
    # SANGONG_GROWTH (same period of both years)
    prev_cut = cals[year - 1].doy(date(year - 1, as_of.month, min(as_of.day, 28 if as_of.month == 2 else as_of.day)))
    totals = {}
    for y, cut in ((year - 1, prev_cut), (year, cal.doy(as_of))):
        q = pays[y]
        m = np.isin(line_econ, SANGONG)[q["line"]] & (q["day"] <= cut)
        totals[y] = np.bincount(line_unit[q["line"][m]], weights=q["cents"][m], minlength=len(units)) / 100
    for code, expect in (("003", True), ("005002", False), ("003001", False)):
        if code in plants.sangong_skipped:
            continue
        u = gen.by_code[code].idx
        before, now = totals[year - 1][u], totals[year][u]
        fires = bool(before > 0 and now > before * 1.2 and now - before > 50_000)
        note = f"三公经费{before:,.0f}元→{now:,.0f}元（{now / before - 1:+.1%}，{now - before:+,.0f}元）"
        planted.append(Planted("SANGONG_GROWTH", code, year, fires, "medium" if fires else None,
                               note if expect else "look-alike: " + note))
    # BENFORD
    planted.append(Planted("BENFORD", plants.benford_unit, year, True, "low",
                           "大量金额集中在4,800–4,999元和9,500–9,999元"))
    counts = np.bincount(unit[p["cents"] > 0], minlength=len(units))
    counts[gen.by_code[plants.benford_unit].idx] = -1
    big = int(np.argmax(counts))
    planted.append(Planted("BENFORD", units[big].code, year, False, None,
                           f"look-alike: 支付笔数最多的普通单位（{counts[big]:,}笔），首位数字符合本福特定律"))


def _enterprises(year, rng, planted):
    years = (year - 2, year - 1, year)
    rows = []
    for name, sup, plan in ENTERPRISES:
        code = credit_code(rng)
        equity0 = round(float(np.exp(rng.normal(np.log(300_000), 0.8))), 2)      # 万元
        ratio = plan.get("ratio") or tuple(np.round(rng.uniform(0.35, 0.65) + rng.normal(0, 0.01, 3), 4))
        growth = plan.get("growth") or tuple(np.round(rng.uniform(0.99, 1.10, 2), 4))
        margin = plan.get("margin") or tuple(np.round(rng.uniform(0.02, 0.12, 3), 4))
        turnover = rng.uniform(0.08, 0.4)
        equity = [equity0, equity0 * growth[0], equity0 * growth[0] * growth[1]]
        for k, y in enumerate(years):
            e = round(equity[k], 2)
            assets = round(e / (1 - ratio[k]), 2)
            liab = round(assets - e, 2)
            revenue = round(assets * turnover * (1 + rng.normal(0, 0.03)), 2)
            profit = round(revenue * margin[k], 2)
            rows.append((y, code, name, sup, assets, liab, e, revenue, profit))
        if name == "湘江城市建设投资集团有限公司":
            planted.append(Planted("LEVERAGE", code, year, True, "medium", f"{name} 资产负债率约78%"))
        elif name == "湘江交通投资集团有限公司":
            planted.append(Planted("LEVERAGE", code, year, True, "high", f"{name} 资产负债率约88%"))
        elif name == "湘江市住房保障投资建设有限公司":
            planted.append(Planted("LEVERAGE", code, year, False, None, f"look-alike: {name} 资产负债率69.5%"))
        elif name == "湘江文化旅游产业集团有限公司":
            planted.append(Planted("CONSECUTIVE_LOSS", code, year, True, "high", f"{name} 连续两年亏损"))
        elif name == "湘江公共交通集团有限责任公司":
            planted.append(Planted("CONSECUTIVE_LOSS", code, year, False, None,
                                   f"look-alike: {name} {year - 2}年、{year}年亏损，{year - 1}年盈利"))
        elif name == "湘江市燃气有限责任公司":
            planted.append(Planted("CONSECUTIVE_LOSS", code, year, False, None, f"look-alike: {name} 仅{year - 1}年亏损"))
        elif name == "湘江农业发展投资有限公司":
            planted.append(Planted("EQUITY_DECLINE", code, year, True, "medium", f"{name} 所有者权益下降18%"))
        elif name == "湘江产业投资集团有限公司":
            planted.append(Planted("EQUITY_DECLINE", code, year, False, None, f"look-alike: {name} 所有者权益下降7%"))
    return pd.DataFrame(rows, columns=["year", "enterprise_code", "enterprise_name", "supervisor_code",
                                       "total_assets", "total_liabilities", "owner_equity", "revenue", "profit"])


def _admin_assets(year, units, rng, planted):
    rows = []
    traits = rng.random((len(units), len(ASSET_CATEGORIES), 4))   # stable per unit and category
    for y in (year - 1, year):
        for u in units:
            staff = u.staff
            cats = ["房屋", "车辆", "通用设备"]
            if u.sector in ("edu", "health") or u.code in ("006001", "009001", "009003", "011001"):
                cats.insert(1, "土地")
            if u.sector in ("health", "police", "env") or u.parent in ("001", "008") or u.code in ("011001", "011002"):
                cats.append("专用设备")
            if u.parent is None or u.code in ("003004", "004001", "013001"):
                cats.append("无形资产")
            for cat in ASSET_CATEGORIES:
                if cat not in cats:
                    continue
                # a stable per-unit base, then the year's small change
                t = traits[u.idx, ASSET_CATEGORIES.index(cat)]
                f = (0.7 + 0.7 * t[0]) * (1.0 if y == year else 0.93 + 0.06 * t[1])
                if cat == "房屋":
                    qty = round(staff * 28 * f, 2)
                    value = qty * 3_600
                elif cat == "土地":
                    qty = round(staff * 60 * f, 2)
                    value = qty * 1_200
                elif cat == "车辆":
                    qty = max(int(round(staff / 25 * f)), 1)
                    value = qty * 185_000 * (0.8 + 0.4 * t[2])
                elif cat == "通用设备":
                    qty = int(round(staff * 2.4 * f))
                    value = qty * 6_200
                elif cat == "专用设备":
                    qty = int(round(staff * 0.8 * f)) + 1
                    value = qty * 58_000 * (0.6 + 1.0 * t[2])
                else:
                    qty = 2 + int(t[3] * 10)
                    value = qty * 95_000 * f
                value = round(value, 2)
                key = (u.code, cat)
                if key in IDLE_PLANTS:
                    idle_share = IDLE_PLANTS[key]
                elif key in IDLE_LOOKALIKE:
                    idle_share = IDLE_LOOKALIKE[key]
                elif rng.random() < 0.7:
                    idle_share = 0.0
                else:
                    idle_share = rng.uniform(0.005, 0.08)
                idle = round(value * idle_share, 2) if y == year or key not in IDLE_PLANTS else round(value * 0.05, 2)
                rows.append((y, u.code, cat, qty, value, idle))
    for (code, cat), share in IDLE_PLANTS.items():
        planted.append(Planted("IDLE_ASSETS", f"{code}|{cat}", year, True, "medium", f"闲置资产占账面价值{share:.0%}"))
    for (code, cat), share in IDLE_LOOKALIKE.items():
        planted.append(Planted("IDLE_ASSETS", f"{code}|{cat}", year, False, None, f"look-alike: 闲置占{share:.0%}"))
    return pd.DataFrame(rows, columns=["year", "dept_code", "asset_category", "quantity", "book_value", "idle_value"])


def _audit_findings(year, as_of: date, units, rng, planted):
    years = tuple(range(year - 4, year + 1))
    by_code = {u.code: u for u in units}
    rows = []
    seq = {y: 0 for y in years}

    def project(y: int, code: str, cat: str) -> str:
        dept = by_code[by_code[code].parent or code]
        if cat == "债务管理":
            return f"{y - 1}年度政府债务管理情况专项审计"
        if cat == "政府采购":
            return f"{y - 1}年度政府采购管理情况专项审计调查"
        if cat == "专项资金":
            return f"{y - 1}年度重点民生专项资金审计"
        return f"{y - 1}年度{dept.name}部门预算执行和其他财政收支审计"

    def add(y, code, cat, status, deadline, involved, rectified=None, done=None, text=None) -> str:
        seq[y] += 1
        fid = f"SJ{y}-{seq[y]:03d}"
        problems = AUDIT_PROBLEMS[cat]
        desc = text or problems[int(rng.integers(0, len(problems)))]
        if rectified is None and status == "部分整改":
            rectified = round(involved * rng.uniform(0.1, 0.6), 2)
        elif rectified is None:
            rectified = involved if status == "已整改" else 0.0
        if done is None and status == "已整改":
            done = min(deadline - timedelta(days=int(rng.integers(5, 120))), as_of)
        rows.append((fid, y, project(y, code, cat), code, cat, f"{by_code[code].name}{desc}", involved, deadline,
                     status, rectified, done))
        return fid

    planted_pairs = {("001002", "政府采购"), ("002001", "专项资金"), ("006001", "财务管理"), ("003", "预算管理"),
                     ("003", "财务管理"), ("008003", "专项资金"), ("009003", "财务管理"), ("007001", "债务管理"),
                     ("004002", "政府采购"), ("010001", "国有资产管理"), ("012001", "专项资金"), ("013002", "专项资金")}
    pool = [(u.code, c) for u in units for c in AUDIT_CATEGORIES if (u.code, c) not in planted_pairs]
    order = rng.permutation(len(pool))
    k = 0
    for y in years:
        for _ in range(20):
            code, cat = pool[order[k]]
            k += 1
            involved = 0.0 if rng.random() < 0.2 else round(float(np.exp(rng.normal(np.log(600_000), 1.2))), 2)
            if y < year:
                deadline = date(y, 12, 31) if rng.random() < 0.5 else date(y + 1, 6, 30)
                add(y, code, cat, "已整改", min(deadline, as_of - timedelta(days=1)), involved)
            else:
                status = ("已整改", "部分整改", "未整改")[int(rng.choice(3, p=(0.4, 0.35, 0.25)))]
                deadline = date(y + 1, 6, 30) if rng.random() < 0.6 else date(y + 1, 3, 31)
                deadline = max(deadline, as_of + timedelta(days=30))
                if status == "已整改":
                    add(y, code, cat, status, deadline, involved, done=as_of - timedelta(days=int(rng.integers(1, 60))))
                else:
                    add(y, code, cat, status, deadline, involved)
    # AUDIT_OVERDUE
    f = add(year - 1, "008003", "专项资金", "未整改", as_of - timedelta(days=184), 3_260_000.00)
    planted.append(Planted("AUDIT_OVERDUE", f, year, True, "high", "未整改，逾期184天"))
    f = add(year, "009003", "财务管理", "部分整改", as_of - timedelta(days=46), 418_000.00, rectified=120_000.00)
    planted.append(Planted("AUDIT_OVERDUE", f, year, True, "medium", "部分整改，逾期46天"))
    f = add(year - 3, "007001", "债务管理", "部分整改", date(year - 2, 6, 30), 25_000_000.00, rectified=9_000_000.00)
    planted.append(Planted("AUDIT_OVERDUE", f, year, True, "high", f"部分整改，整改期限{year - 2}年6月30日"))
    f = add(year, "012001", "专项资金", "未整改", as_of + timedelta(days=90), 760_000.00)
    planted.append(Planted("AUDIT_OVERDUE", f, year, False, None, "look-alike: 未整改但未到整改期限"))
    # AUDIT_REPEAT (屡审屡犯)
    for y in (year - 3, year - 1):
        add(y, "001002", "政府采购", "已整改", date(y, 12, 31), round(float(rng.uniform(2e5, 9e5)), 2),
            text="化整为零规避公开招标")
    planted.append(Planted("AUDIT_REPEAT", "001002|政府采购", year, True, "medium", f"{year - 3}、{year - 1}年均查出"))
    for y in (year - 2, year - 1, year):
        status = "已整改" if y < year else "部分整改"
        deadline = date(y, 12, 31) if y < year else as_of + timedelta(days=120)
        add(y, "002001", "专项资金", status, min(deadline, as_of - timedelta(days=1)) if y < year else deadline,
            round(float(rng.uniform(5e5, 3e6)), 2), text="挤占挪用专项资金用于日常经费")
    planted.append(Planted("AUDIT_REPEAT", "002001|专项资金", year, True, "medium", f"{year - 2}—{year}年连续查出"))
    for _ in range(2):
        add(year, "006001", "财务管理", "部分整改", as_of + timedelta(days=150), round(float(rng.uniform(1e5, 5e5)), 2))
    planted.append(Planted("AUDIT_REPEAT", "006001|财务管理", year, False, None, "look-alike: 同一年度两条"))
    add(year - 2, "003", "预算管理", "已整改", date(year - 2, 12, 31), 0.0)
    add(year, "003", "财务管理", "已整改", as_of + timedelta(days=60), 350_000.00, done=as_of - timedelta(days=10))
    planted.append(Planted("AUDIT_REPEAT", "003|预算管理", year, False, None, "look-alike: 不同年度不同类别"))
    # AUDIT_HOLLOW
    f = add(year - 1, "004002", "政府采购", "已整改", min(date(year, 6, 30), as_of - timedelta(days=1)),
            2_360_000.00, rectified=680_000.00)
    planted.append(Planted("AUDIT_HOLLOW", f, year, True, "medium", "标为已整改，整改金额仅占29%"))
    f = add(year, "010001", "国有资产管理", "已整改", as_of + timedelta(days=100), 1_150_000.00, rectified=300_000.00,
            done=as_of - timedelta(days=20))
    planted.append(Planted("AUDIT_HOLLOW", f, year, True, "medium", "标为已整改，整改金额仅占26%"))
    f = add(year, "013002", "专项资金", "已整改", as_of + timedelta(days=100), 800_000.00, rectified=440_000.00,
            done=as_of - timedelta(days=30))
    planted.append(Planted("AUDIT_HOLLOW", f, year, False, None, "look-alike: 已整改55%"))
    df = pd.DataFrame(rows, columns=["finding_id", "audit_year", "audit_project", "dept_code", "category",
                                     "description", "amount_involved", "deadline", "status", "amount_rectified",
                                     "rectified_date"])
    return df.sort_values(["audit_year", "finding_id"], ignore_index=True)


# ---------------------------------------------------------------------------------------
# Writing the files
# ---------------------------------------------------------------------------------------
@dataclass
class WrittenFile:
    feed: str
    path: Path
    rows: int
    shape: str


@dataclass
class DemoResult:
    city: DemoCity
    files: list[WrittenFile]
    seconds: float

    def by_feed(self) -> dict[str, list[Path]]:
        out: dict[str, list[Path]] = {f: [] for f in FEED_ORDER}
        for w in self.files:
            out[w.feed].append(w.path)
        return out


def write_demo(out_dir: Path, scale: float = 1.0, seed: int = DEFAULT_SEED, today: date | None = None) -> DemoResult:
    """Generate the city and write its six feeds (and ANOMALIES.md, anomalies.json) under out_dir."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    city = generate_city(scale=scale, seed=seed, today=today)
    prev, cur = city.years
    files = [_write_departments(out_dir / "01_departments.xlsx", city)]
    for y, headers in ((prev, BUDGET_HEADERS_PREV), (cur, BUDGET_HEADERS_CUR)):
        files.append(_write_budget(out_dir / f"02_budget_{y}.csv", city, y, headers))
    plain = scale > PLAIN_CSV_ABOVE_SCALE
    city._dims()        # built once, before the two writer threads share it
    with ThreadPoolExecutor(max_workers=2) as pool:     # pyarrow releases the GIL: one core per year
        jobs = [pool.submit(_write_payments, out_dir / f"03_payments_{y}.csv", city, y, y == prev, not plain)
                for y in (prev, cur)]
        rest = [_write_enterprises(out_dir / "04_assets_enterprise.xlsx", city),
                _write_admin_assets(out_dir / "05_assets_admin.csv", city),
                _write_audit(out_dir / "06_audit_findings.xlsx", city)]
        rest.append(_write_suggestions(out_dir, city))
        rest.append(_write_debt(out_dir / "10_debt.xlsx", city))
        _write_anomalies(out_dir, city)
        files += [j.result() for j in jobs] + rest
    from budgetwatch.demo_projects import write_files
    files += [WrittenFile(*f) for f in write_files(out_dir, city, _save_workbook, _sheet_title, _header_row)]
    return DemoResult(city, files, time.perf_counter() - started)


def write_demo_feeds(out_dir: Path, scale: float = 1.0, seed: int = DEFAULT_SEED,
                     today: date | None = None) -> dict[str, list[Path]]:
    """Write the demo city's feeds; feed name -> files, in the order they must be loaded.

    ``today`` defaults to 2025-12-31 (not the real date), so a seed always gives the same files.
    """
    return write_demo(out_dir, scale=scale, seed=seed, today=today).by_feed()


def planted_anomalies(scale: float = 1.0, seed: int = DEFAULT_SEED, today: date | None = None) -> list[Planted]:
    """What `write_demo_feeds` with the same arguments plants: anomalies (fires) and look-alikes (quiet)."""
    return generate_city(scale=scale, seed=seed, today=today).planted


def _save_workbook(wb, path: Path) -> None:
    """Save an openpyxl workbook byte-for-byte reproducibly (fixed document and zip timestamps)."""
    import re
    import zipfile

    wb.properties.created = datetime(2025, 1, 1, 8, 0, 0)
    wb.properties.creator = "budgetwatch demo-data"
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T08:00:00Z", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 8, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


def _sheet_title(ws, title: str, width: int) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append([title])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    cell = ws.cell(row=ws.max_row, column=1)
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center")


def _header_row(ws, headers) -> None:
    from openpyxl.styles import Font, PatternFill

    ws.append(list(headers))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")


def _text_cell(ws, row: int, col: int) -> None:
    ws.cell(row=row, column=col).number_format = "@"


def _write_departments(path: Path, city: DemoCity) -> WrittenFile:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "预算单位"
    headers = ("单位编码", "单位名称", "主管部门编码", "区划代码")
    _sheet_title(ws, f"{CITY}预算单位名录", len(headers))
    _header_row(ws, headers)
    for u in city.units:
        ws.append([u.code, u.name, u.parent or None, REGION_CODE])
        r = ws.max_row
        for c in (1, 3, 4):
            _text_cell(ws, r, c)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 12
    _save_workbook(wb, path)
    return WrittenFile("departments", path, len(city.units), "xlsx, title row, codes as text cells")


BUDGET_HEADERS_PREV = ("预算年度", "单位编码", "支出功能分类科目编码", "部门经济分类编码", "资金性质名称",
                       "年初预算批复金额", "调整后预算数")
BUDGET_HEADERS_CUR = ("年度", "预算单位编码", "功能分类科目编码", "经济分类科目编码", "资金性质", "年初预算数",
                      "调整预算数")


def _wan(yuan: float) -> str:
    """Yuan as 万元 with 6 decimals and thousands separators, exactly: 12345678.9 -> '1,234.567890'."""
    cents = int(round(yuan * 100))
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 1_000_000:,}.{cents % 1_000_000:06d}"


def _write_budget(path: Path, city: DemoCity, year: int, headers) -> WrittenFile:
    df = city.budget[year]
    headers = tuple(headers) + ("项目编码",)
    width = len(headers)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([f"{year}年部门预算指标表"] + [""] * (width - 1))
    w.writerow(["单位：万元"] + [""] * (width - 1))
    w.writerow(headers)
    for r in df.itertuples(index=False):
        w.writerow([r.year, r.dept_code, r.func_code, r.econ_code, r.fund_type, _wan(r.original_amount),
                    _wan(r.adjusted_amount), city.projects.budget_code(r) if city.projects is not None else ""])
    w.writerow(["合计", "", "", "", "", _wan(df["original_amount"].sum()), _wan(df["adjusted_amount"].sum()), ""])
    path.write_bytes(buf.getvalue().encode("gb18030"))
    return WrittenFile("budget", path, len(df), "csv GB18030, title + 单位：万元, alias headers, 合计 row")


PAYMENT_HEADERS_CN = ("支付凭证号", "支付日期", "预算单位编码", "功能分类科目编码", "经济分类科目编码", "资金性质",
                      "收款人全称", "支付金额", "收款人账号", "用途", "项目编码")


def _fancy_amounts(cents: np.ndarray) -> pa.Array:
    """'1,234.50', and refunds in accounting brackets '(1,200.00)'."""
    out = []
    for c in cents.tolist():
        s = f"{abs(c) // 100:,}.{abs(c) % 100:02d}"
        out.append(f"({s})" if c < 0 else s)
    return pa.array(out)


def _write_payments(path: Path, city: DemoCity, year: int, chinese: bool, fancy: bool) -> WrittenFile:
    n = len(city.payments[year]["day"])
    p = city.payments[year]
    opts = pacsv.WriteOptions(include_header=True)
    with pa.OSFile(str(path), "wb") as sink:
        if fancy:
            sink.write(b"\xef\xbb\xbf")
            if chinese:
                sink.write(f"{year}年国库集中支付明细表{',' * 10}\r\n".encode("utf-8"))
        writer = None
        date_text = None
        if fancy and chinese:
            cal = Calendar(year)
            date_text = pa.array([f"{d.year}/{d.month}/{d.day}" for d in (cal.date(i) for i in range(cal.ndays))])
        for lo in range(0, max(n, 1), CHUNK_ROWS):
            hi = min(lo + CHUNK_ROWS, n)
            t = city.payments_table(year, lo, hi)
            if date_text is not None:
                t = t.set_column(1, "pay_date", date_text.take(pa.array(p["day"][lo:hi].astype(np.int32))))
            if fancy and chinese:
                t = t.set_column(7, "amount", _fancy_amounts(p["cents"][lo:hi]))
            if chinese:
                t = t.rename_columns(list(PAYMENT_HEADERS_CN))
            if writer is None:
                writer = pacsv.CSVWriter(sink, t.schema, write_options=opts)
            writer.write_table(t)
        if writer is not None:
            writer.close()
    shape = ("csv UTF-8 BOM, title row, Chinese alias headers, 2024/3/7 dates, 1,234.50 and (1,200.00) amounts"
             if fancy and chinese else "csv UTF-8 BOM, English headers, ISO dates" if fancy
             else "csv plain UTF-8, " + ("Chinese" if chinese else "English") + " headers, ISO dates")
    return WrittenFile("payments", path, n, shape)


def _write_enterprises(path: Path, city: DemoCity) -> WrittenFile:
    from openpyxl import Workbook

    df = city.enterprises
    wb = Workbook()
    ws = wb.active
    ws.title = "企业资产"
    headers = ("年度", "统一社会信用代码", "企业名称", "监管单位编码", "资产总额", "负债总额", "所有者权益",
               "营业收入", "利润总额")
    _sheet_title(ws, f"{CITY}市属国有企业资产负债情况表（{df['year'].min()}—{df['year'].max()}年）", len(headers))
    ws.append(["单位：万元"])
    _header_row(ws, headers)
    for r in df.itertuples(index=False):
        ws.append([int(r.year), r.enterprise_code, r.enterprise_name, r.supervisor_code, r.total_assets,
                   r.total_liabilities, r.owner_equity, r.revenue, r.profit])
        row = ws.max_row
        _text_cell(ws, row, 2)
        _text_cell(ws, row, 4)
        for c in range(5, 10):
            ws.cell(row=row, column=c).number_format = "#,##0.00"
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 34
    notes = wb.create_sheet("说明")
    for line in (f"{CITY}市属国有企业资产负债情况（演示数据，纯属虚构）",
                 "金额单位：万元；资产负债率 = 负债总额 ÷ 资产总额",
                 "监管单位编码为履行出资人职责的部门的单位编码"):
        notes.append([line])
    _save_workbook(wb, path)
    return WrittenFile("assets_enterprise", path, len(df), "xlsx, data on the first sheet in 万元, 说明 sheet second")


def _write_admin_assets(path: Path, city: DemoCity) -> WrittenFile:
    df = city.assets_admin
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["year", "dept_code", "asset_category", "quantity", "book_value", "idle_value"])
    for r in df.itertuples(index=False):
        idle = "" if r.idle_value == 0 else f"{r.idle_value:.2f}"
        w.writerow([r.year, r.dept_code, r.asset_category, r.quantity, f"{r.book_value:.2f}", idle])
    path.write_bytes(buf.getvalue().encode("gbk"))
    return WrittenFile("assets_admin", path, len(df), "csv GBK, English headers, empty idle = 0")


def _write_audit(path: Path, city: DemoCity) -> WrittenFile:
    from openpyxl import Workbook

    df = city.audit
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    headers = ("问题编号", "审计年度", "审计项目", "责任单位编码", "问题类别", "问题描述", "涉及金额", "整改期限",
               "整改状态", "已整改金额", "整改完成日期")
    _sheet_title(ws, f"{CITY}审计查出问题整改台账", len(headers))
    _header_row(ws, headers)
    for r in df.itertuples(index=False):
        ws.append([r.finding_id, int(r.audit_year), r.audit_project, r.dept_code, r.category, r.description,
                   float(r.amount_involved), r.deadline, r.status, float(r.amount_rectified),
                   r.rectified_date if isinstance(r.rectified_date, date) else None])
        row = ws.max_row
        _text_cell(ws, row, 4)
        for c in (8, 11):
            ws.cell(row=row, column=c).number_format = "yyyy-mm-dd"
        for c in (7, 10):
            ws.cell(row=row, column=c).number_format = "#,##0.00"
    ws.append(["总计", None, None, None, None, None, float(df["amount_involved"].sum()), None, None,
               float(df["amount_rectified"].sum()), None])
    for col, width in (("A", 12), ("C", 40), ("F", 50), ("H", 12), ("K", 12)):
        ws.column_dimensions[col].width = width
    _save_workbook(wb, path)
    return WrittenFile("audit_findings", path, len(df), "xlsx, Excel date cells, Chinese statuses, 总计 row")


def _write_suggestions(out_dir: Path, city: DemoCity) -> WrittenFile:
    from budgetwatch import demo_suggestions

    path = out_dir / demo_suggestions.FILE_NAME
    n = demo_suggestions.write(path, city.suggestions, title=f"{CITY}人大代表建议办理台账（{city.year - 1}—{city.year}年）")
    return WrittenFile("suggestions", path, n, "GB18030, title row, 办理方式/答复时间 aliases, B/B类/words, mixed dates")


def _write_debt(path: Path, city: DemoCity) -> WrittenFile:
    _save_workbook(demo_debt.debt_workbook(city.debt, city.year), path)
    return WrittenFile("debt", path, len(city.debt), "xlsx, title + 单位：亿元, city code 4301, 合计 row")


def _write_anomalies(out_dir: Path, city: DemoCity) -> None:
    rows = [asdict(p) for p in city.planted]
    (out_dir / "anomalies.json").write_text(json.dumps(
        {"city": CITY, "year": city.year, "today": city.today.isoformat(), "as_of": city.as_of.isoformat(),
         "scale": city.scale, "seed": city.seed, "planted": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [f"# {CITY} demo: planted anomalies ({city.year}, seed {city.seed}, scale {city.scale:g})", "",
             f"Current year {city.year}; today {city.today}; as-of date (latest payment) {city.as_of}.",
             "`fires` = the rule must flag this entity with the default thresholds; "
             "`quiet` = a look-alike it must not flag.", "",
             "| rule | entity key | expect | severity | note |", "|---|---|---|---|---|"]
    for p in city.planted:
        expect = "fires" if p.fires else "quiet"
        lines.append(f"| {p.rule} | `{p.entity_key}` | {expect} | {p.severity or ''} | {p.note} |")
    if city.projects is not None:
        from budgetwatch.demo_projects import anomaly_lines
        lines += anomaly_lines(city.projects)
    (out_dir / "ANOMALIES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
