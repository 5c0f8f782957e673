#!/usr/bin/env python3
"""Build the shipped reference tables in this folder from the shared reference files.

Usage: python3 data/reference/build_reference.py [REFERENCE_DIR]

REFERENCE_DIR defaults to ``../shared/reference`` beside the repository. The outputs are
committed, so the product never runs this; re-run it only when the inputs or the curated
lists below change. It is deterministic: the same inputs give byte-identical files.

Why a curated list at all: the only full functional/economic lists found in public code are
old editions (about 2007-2010 and pre-2018). Codes there were later renamed, moved, dropped
and even reused for something else, so the current names for the codes that real feeds carry
are transcribed below from the Ministry of Finance lists (2025年政府收支分类科目;
部门预算支出经济分类科目, 财预〔2017〕98号). A line ending in " ?" is one whose code/name
pairing I am less sure of; SOURCES.md lists them. Codes I could not place stay as the legacy
row rather than be guessed.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_REF = REPO.parent / "shared" / "reference"

SRC_RECENT = "recent-names-file"
SRC_LEGACY = "legacy-yonyou"
SRC_MOF = "mof-2025"
SRC_ECON = "mof-2018-edition"

# ----------------------------------------------------------------------------------------
# 支出功能分类 — 类 (level 1). Codes the recent-names file leaves blank or lacks.
# ----------------------------------------------------------------------------------------
CLASS_MOF_2025 = {
    "203": "国防支出",
    "209": "社会保险基金支出",
    # The recent-names file has the 2016-2018 name 资源勘探信息等支出; since 2019 the class
    # is 资源勘探工业信息等支出 (also in current provincial execution tables).
    "215": "资源勘探工业信息等支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
}

# ----------------------------------------------------------------------------------------
# 支出功能分类 — curated 款 and 项 (current names). One entry per line: "code name".
#   "+std"  also add the usual 01 行政运行 / 02 一般行政管理事务 / 03 机关服务 under a 款
#   "!"     the 款 code now means something else than in the legacy list: drop legacy 项
#   " ?"    less sure of this pairing (listed in SOURCES.md)
# ----------------------------------------------------------------------------------------
CURATED_FUNC = """
# 201 一般公共服务支出
20101 人大事务 +std
2010104 人大会议
2010105 人大立法
2010106 人大监督
2010107 人大代表履职能力提升
2010108 代表工作
2010109 人大信访工作
2010150 事业运行
2010199 其他人大事务支出
20102 政协事务 +std
2010204 政协会议
2010205 委员视察
2010206 参政议政
2010250 事业运行
2010299 其他政协事务支出
20103 政府办公厅（室）及相关机构事务 +std
2010305 专项业务及机关事务管理 ?
2010306 政务公开审批
2010308 信访事务
2010309 参事事务
2010350 事业运行
2010399 其他政府办公厅（室）及相关机构事务支出
20104 发展与改革事务 +std
2010450 事业运行
2010499 其他发展与改革事务支出
20105 统计信息事务 +std
2010504 信息事务
2010505 专项统计业务
2010506 统计管理
2010507 专项普查活动
2010508 统计抽样调查
2010550 事业运行
2010599 其他统计信息事务支出
20106 财政事务 +std
2010604 预算改革业务 ?
2010605 财政国库业务
2010606 财政监察
2010607 信息化建设
2010608 财政委托业务支出
2010650 事业运行
2010699 其他财政事务支出
20107 税收事务 +std
2010709 信息化建设
2010710 税收业务 ?
2010750 事业运行
2010799 其他税收事务支出
20108 审计事务 +std
2010804 审计业务
2010805 审计管理
2010806 信息化建设
2010850 事业运行
2010899 其他审计事务支出
20111 纪检监察事务 +std
2011104 大案要案查处
2011105 派驻派出机构
2011106 巡视工作
2011150 事业运行
2011199 其他纪检监察事务支出
20113 商贸事务 +std
2011304 对外贸易管理
2011305 国际经济合作
2011306 外资管理
2011307 国内贸易管理
2011308 招商引资
2011350 事业运行
2011399 其他商贸事务支出
20114 知识产权事务
20123 民族事务
20125 港澳台事务 ?
20126 档案事务
20128 民主党派及工商联事务
20129 群众团体事务 +std
2012950 事业运行
2012999 其他群众团体事务支出
20131 党委办公厅（室）及相关机构事务 +std
2013105 专项业务
2013150 事业运行
2013199 其他党委办公厅（室）及相关机构事务支出
20132 组织事务 +std
2013204 公务员事务
2013250 事业运行
2013299 其他组织事务支出
20133 宣传事务 +std
2013350 事业运行
2013399 其他宣传事务支出
20134 统战事务 +std
2013404 宗教事务 ?
2013405 华侨事务 ?
2013450 事业运行
2013499 其他统战事务支出
20135 对外联络事务 +std
2013550 事业运行
2013599 其他对外联络事务支出
20136 其他共产党事务支出 +std
2013650 事业运行
2013699 其他共产党事务支出
20137 网信事务 +std
2013750 事业运行
2013799 其他网信事务支出
20138 市场监督管理事务 +std
2013816 食品安全监管 ?
2013850 事业运行
2013899 其他市场监督管理事务 ?
20199 其他一般公共服务支出
2019901 国家赔偿费用支出
2019999 其他一般公共服务支出

# 203 国防支出
20306 国防动员
2030601 兵役征集
2030602 经济动员
2030603 人民防空
2030604 交通战备
2030607 民兵 ?
2030699 其他国防动员支出
20399 其他国防支出

# 204 公共安全支出
20401 武装警察部队 ?
20402 公安 +std
2040219 信息化建设
2040220 执法办案
2040221 特别业务
2040222 特勤业务 ?
2040250 事业运行
2040299 其他公安支出
20403 国家安全
20404 检察 +std
2040450 事业运行
2040499 其他检察支出
20405 法院 +std
2040504 案件审判
2040505 案件执行
2040550 事业运行
2040599 其他法院支出
20406 司法 +std
2040604 基层司法业务
2040605 普法宣传
2040650 事业运行
2040699 其他司法支出
20407 监狱
20408 强制隔离戒毒
2040899 其他强制隔离戒毒支出 ?
20409 国家保密
20410 缉私警察
20499 其他公共安全支出

# 205 教育支出
20501 教育管理事务 +std
2050199 其他教育管理事务支出
20502 普通教育
2050201 学前教育
2050202 小学教育
2050203 初中教育
2050204 高中教育
2050205 高等教育
2050299 其他普通教育支出
20503 职业教育
2050301 初等职业教育
2050302 中等职业教育
2050303 技校教育
2050305 高等职业教育
2050399 其他职业教育支出
20504 成人教育
20505 广播电视教育
20506 留学教育
20507 特殊教育
20508 进修及培训
2050801 教师进修
2050802 干部教育
2050803 培训支出
2050804 退役士兵能力提升 ?
2050899 其他进修及培训
20509 教育费附加安排的支出
2050901 农村中小学校舍建设
2050902 农村中小学教学设施
2050903 城市中小学校舍建设
2050904 城市中小学教学设施
2050905 中等职业学校教学设施
2050999 其他教育费附加安排的支出
20599 其他教育支出
2059999 其他教育支出

# 206 科学技术支出
20601 科学技术管理事务 +std
2060199 其他科学技术管理事务支出
20602 基础研究
2060201 机构运行
2060203 自然科学基金
2060299 其他基础研究支出
20603 应用研究
2060301 机构运行
2060302 社会公益研究
2060303 高技术研究
2060304 专项科研试制
2060399 其他应用研究支出
20604 技术研究与开发
2060401 机构运行
2060404 科技成果转化与扩散
2060405 共性技术研究与开发 ?
2060499 其他技术研究与开发支出
20605 科技条件与服务
2060501 机构运行
2060599 其他科技条件与服务支出
20606 社会科学
20607 科学技术普及
2060701 机构运行
2060702 科普活动
2060703 青少年科技活动
2060704 学术交流活动
2060705 科技馆站
2060799 其他科学技术普及支出
20608 科技交流与合作
20609 科技重大项目 ?
20699 其他科学技术支出
2069901 科技奖励
2069902 核应急
2069903 转制科研机构
2069999 其他科学技术支出

# 207 文化旅游体育与传媒支出
20701 文化和旅游 +std
2070104 图书馆
2070105 文化展示及纪念机构
2070106 艺术表演场所
2070107 艺术表演团体
2070108 文化活动
2070109 群众文化
2070110 文化和旅游交流与合作
2070111 文化创作与保护
2070112 文化和旅游市场管理
2070113 旅游宣传 ?
2070114 文化和旅游管理事务 ?
2070199 其他文化和旅游支出
20702 文物
20703 体育
20706 新闻出版电影 ?
20708 广播电视 ?
20799 其他文化旅游体育与传媒支出
2079902 宣传文化发展专项支出
2079903 文化产业发展专项支出 ?
2079999 其他文化旅游体育与传媒支出

# 208 社会保障和就业支出
20801 人力资源和社会保障管理事务 +std
2080104 综合业务管理
2080105 劳动保障监察
2080106 就业管理事务
2080107 社会保险业务管理事务
2080108 信息化建设
2080109 社会保险经办机构
2080110 劳动关系和维权
2080111 公共就业服务和职业技能鉴定机构
2080112 劳动人事争议调解仲裁
2080150 事业运行
2080199 其他人力资源和社会保障管理事务支出
20802 民政管理事务 +std
2080299 其他民政管理事务支出
20804 补充全国社会保障基金
20805 行政事业单位养老支出
2080501 行政单位离退休
2080502 事业单位离退休
2080503 离退休人员管理机构
2080505 机关事业单位基本养老保险缴费支出
2080506 机关事业单位职业年金缴费支出
2080507 对机关事业单位基本养老保险基金的补助
2080599 其他行政事业单位养老支出
20806 企业改革补助
20807 就业补助
2080701 就业创业服务补贴
2080702 职业培训补贴
2080704 社会保险补贴
2080705 公益性岗位补贴
2080711 就业见习补贴
2080712 高技能人才培养补助
2080799 其他就业补助支出
20808 抚恤
2080801 死亡抚恤
2080802 伤残抚恤
2080803 在乡复员、退伍军人生活补助
2080805 义务兵优待
2080806 农村籍退役士兵老年生活补助
2080808 褒扬纪念 ?
2080899 其他优抚支出
20809 退役安置
2080902 军队移交政府的离退休人员安置
2080903 军队移交政府离退休干部管理机构
2080999 其他退役安置支出
20810 社会福利
2081001 儿童福利
2081002 老年福利
2081003 康复辅具
2081004 殡葬
2081005 社会福利事业单位
2081006 养老服务
2081099 其他社会福利支出
20811 残疾人事业 +std
2081104 残疾人康复
2081105 残疾人就业 ?
2081106 残疾人体育
2081107 残疾人生活和护理补贴 ?
2081199 其他残疾人事业支出
20816 红十字事业
20819 最低生活保障 !
2081901 城市最低生活保障金支出
2081902 农村最低生活保障金支出
20820 临时救助
2082001 临时救助支出
2082002 流浪乞讨人员救助支出
20821 特困人员救助供养
2082101 城市特困人员救助供养支出
2082102 农村特困人员救助供养支出
20826 财政对基本养老保险基金的补助 ?
2082601 财政对企业职工基本养老保险基金的补助 ?
2082602 财政对城乡居民基本养老保险基金的补助 ?
2082699 财政对其他基本养老保险基金的补助 ?
20827 财政对其他社会保险基金的补助 ?
20828 退役军人管理事务 +std
2082850 事业运行
20830 财政代缴社会保险费支出 ?
20899 其他社会保障和就业支出

# 210 卫生健康支出
21001 卫生健康管理事务 +std
2100199 其他卫生健康管理事务支出
21002 公立医院
2100201 综合医院
2100202 中医（民族）医院
2100203 传染病医院
2100204 职业病防治医院
2100205 精神病医院
2100206 妇幼保健医院
2100207 儿童医院
2100208 其他专科医院
2100209 福利医院
2100210 行业医院
2100211 处理医疗欠费
2100212 康复医院 ?
2100299 其他公立医院支出
21003 基层医疗卫生机构
2100301 城市社区卫生机构
2100302 乡镇卫生院
2100399 其他基层医疗卫生机构支出
21004 公共卫生 !
2100401 疾病预防控制机构
2100402 卫生监督机构
2100403 妇幼保健机构
2100404 精神卫生机构
2100405 应急救治机构
2100406 采供血机构
2100407 其他专业公共卫生机构
2100408 基本公共卫生服务
2100409 重大公共卫生服务
2100410 突发公共卫生事件应急处理 ?
2100499 其他公共卫生支出
21006 中医药 !
2100601 中医（民族医）药专项
2100699 其他中医药支出
21007 计划生育事务 !
2100716 计划生育机构
2100717 计划生育服务
2100799 其他计划生育事务支出
21011 行政事业单位医疗
2101101 行政单位医疗
2101102 事业单位医疗
2101103 公务员医疗补助
2101199 其他行政事业单位医疗支出
21012 财政对基本医疗保险基金的补助
2101201 财政对职工基本医疗保险基金的补助
2101202 财政对城乡居民基本医疗保险基金的补助
2101299 财政对其他基本医疗保险基金的补助
21013 医疗救助
2101301 城乡医疗救助
2101302 疾病应急救助
2101399 其他医疗救助支出
21014 优抚对象医疗
2101401 优抚对象医疗补助 ?
2101499 其他优抚对象医疗支出 ?
21015 医疗保障管理事务 +std
2101550 事业运行
2101599 其他医疗保障管理事务支出
21016 老龄卫生健康事务 ?
21099 其他卫生健康支出

# 211 节能环保支出
21101 环境保护管理事务 +std
2110104 生态环境保护宣传
2110105 环境保护法规、规划及标准
2110106 生态环境国际合作及履约
2110107 生态环境保护行政许可
2110108 应对气候变化管理事务 ?
2110199 其他环境保护管理事务支出
21102 环境监测与监察
21103 污染防治
2110301 大气
2110302 水体
2110303 噪声
2110304 固体废弃物与化学品
2110305 放射源和放射性废物监管
2110306 辐射
2110307 土壤
2110399 其他污染防治支出
21104 自然生态保护
2110401 生态保护
2110402 农村环境保护
2110404 生物及物种资源保护
2110499 其他自然生态保护支出
21110 能源节约利用
21111 污染减排
21113 循环经济 ?
21114 能源管理事务
21199 其他节能环保支出

# 212 城乡社区支出
21201 城乡社区管理事务 +std
2120104 城管执法
2120105 工程建设标准规范编制与监管
2120106 工程建设管理
2120107 市政公用行业市场监管
2120109 住宅建设与房地产市场监管
2120110 执业资格注册、资质审查
2120199 其他城乡社区管理事务支出
21202 城乡社区规划与管理
2120201 城乡社区规划与管理
21203 城乡社区公共设施
2120303 小城镇基础设施建设
2120399 其他城乡社区公共设施支出
21205 城乡社区环境卫生
2120501 城乡社区环境卫生
21206 建设市场管理与监督
2120601 建设市场管理与监督
21208 国有土地使用权出让收入安排的支出
2120801 征地和拆迁补偿支出
2120802 土地开发支出
2120803 城市建设支出
2120804 农村基础设施建设支出
2120805 补助被征地农民支出
2120806 土地出让业务支出
2120807 廉租住房支出
2120809 支付破产或改制企业职工安置费
2120810 棚户区改造支出
2120811 公共租赁住房支出 ?
2120899 其他国有土地使用权出让收入安排的支出
21210 国有土地收益基金安排的支出
2121001 征地和拆迁补偿支出
2121002 土地开发支出
2121099 其他国有土地收益基金支出
21211 农业土地开发资金安排的支出
21213 城市基础设施配套费安排的支出
21214 污水处理费安排的支出
21299 其他城乡社区支出

# 213 农林水支出
21301 农业农村 +std
2130104 事业运行
2130105 农垦运行 ?
2130106 科技转化与推广服务 ?
2130108 病虫害控制
2130109 农产品质量安全
2130110 执法监管
2130111 统计监测与信息服务 ?
2130119 防灾救灾 ?
2130122 农业生产发展
2130126 农村社会事业 ?
2130142 农村道路建设
2130148 渔业发展 ?
2130199 其他农业农村支出
21302 林业和草原 +std
2130209 森林生态效益补偿
2130299 其他林业和草原支出 ?
21303 水利 +std
2130304 水利行业业务管理
2130305 水利工程建设
2130306 水利工程运行与维护
2130307 长江黄河等流域管理
2130308 水利前期工作
2130309 水利执法监督
2130310 水土保持
2130311 水资源节约管理与保护 ?
2130312 水质监测
2130313 水文测报
2130314 防汛
2130315 抗旱
2130316 农村水利 ?
2130321 大中型水库移民后期扶持专项支出
2130399 其他水利支出
21305 巩固拓展脱贫攻坚成果衔接乡村振兴 +std
2130504 农村基础设施建设
2130505 生产发展
2130506 社会发展
2130507 贷款奖补和贴息 ?
2130508 “三西”农业建设专项补助
2130550 事业运行 ?
21307 农村综合改革
2130705 对村民委员会和村党支部的补助
2130799 其他农村综合改革支出 ?
21308 普惠金融发展支出
2130803 农业保险保费补贴
21309 目标价格补贴 ?
21399 其他农林水支出

# 214 交通运输支出
21401 公路水路运输 +std
2140104 公路建设
2140106 公路养护
2140109 交通运输信息化建设 ?
2140110 公路和运输安全
2140112 公路运输管理
2140122 港口设施
2140123 航道维护
2140127 船舶检验
2140128 救助打捞
2140131 海事管理
2140199 其他公路水路运输支出
21402 铁路运输
21403 民用航空运输
21404 成品油价格改革对交通运输的补贴
21405 邮政业支出
21406 车辆购置税支出
2140601 车辆购置税用于公路等基础设施建设支出 ?
2140602 车辆购置税用于农村公路建设支出 ?
2140699 车辆购置税其他支出 ?
21499 其他交通运输支出
2149901 公共交通运营补助
2149999 其他交通运输支出

# 215 资源勘探工业信息等支出
21505 工业和信息产业监管 ?
21508 支持中小企业发展和管理支出
21599 其他资源勘探工业信息等支出

# 216 商业服务业等支出
21602 商业流通事务 +std
2160250 事业运行
2160299 其他商业流通事务支出
21606 涉外发展服务支出 +std
2160699 其他涉外发展服务支出
21699 其他商业服务业等支出
2169901 服务业基础设施建设
2169999 其他商业服务业等支出

# 217 金融支出
21701 金融部门行政支出 ?
21702 金融部门监管支出 ?
21703 金融发展支出 ?
21799 其他金融支出

# 220 自然资源海洋气象等支出
22001 自然资源事务 +std
2200104 自然资源规划及管理
2200106 自然资源利用与保护
2200107 自然资源社会公益服务
2200108 自然资源行业业务管理
2200109 自然资源调查与确权登记 ?
2200112 土地资源储备支出 ?
2200129 基础测绘与地理信息监管 ?
2200150 事业运行
2200199 其他自然资源事务支出
22005 气象事务 +std
2200599 其他气象事务支出 ?
22099 其他自然资源海洋气象等支出

# 221 住房保障支出
22101 保障性安居工程支出
2210101 廉租住房
2210103 棚户区改造
2210105 农村危房改造
2210106 公共租赁住房
2210107 保障性住房租金补贴
2210108 老旧小区改造
2210109 住房租赁市场发展 ?
2210199 其他保障性安居工程支出
22102 住房改革支出
2210201 住房公积金
2210202 提租补贴
2210203 购房补贴
22103 城乡社区住宅
2210301 公有住房建设和维修改造支出
2210302 住房公积金管理
2210399 其他城乡社区住宅支出

# 222 粮油物资储备支出
22201 粮油物资事务 +std
2220150 事业运行 ?
2220199 其他粮油物资事务支出 ?
22203 能源储备 ?
22204 粮油储备
22205 重要商品储备 ?

# 223 国有资本经营预算支出
22301 解决历史遗留问题及改革成本支出
22302 国有企业资本金注入
22303 国有企业政策性补贴
22399 其他国有资本经营预算支出

# 224 灾害防治及应急管理支出
22401 应急管理事务 +std
2240106 安全监管
2240150 事业运行
2240199 其他应急管理支出
22402 消防救援事务 +std
2240204 消防应急救援 ?
2240299 其他消防救援事务支出 ?
22404 煤矿安全 ?
22405 地震事务
22406 自然灾害防治 ?
22407 自然灾害救灾及恢复重建支出 ?
22499 其他灾害防治及应急管理支出

# 229 其他支出
22902 年初预留
22960 彩票公益金安排的支出 ?
22999 其他支出

# 230 转移性支出
23001 返还性支出
23002 一般性转移支付
23003 专项转移支付
23004 政府性基金转移支付
23006 上解支出 ! ?
23008 调出资金
23009 年终结余

# 231 债务还本支出
23103 地方政府一般债务还本支出
2310301 地方政府一般债券还本支出
2310302 地方政府向外国政府借款还本支出
2310303 地方政府向国际组织借款还本支出
2310304 地方政府其他一般债务还本支出
23104 地方政府专项债务还本支出

# 232 债务付息支出
23203 地方政府一般债务付息支出
2320301 地方政府一般债券付息支出
2320302 地方政府向外国政府借款付息支出
2320303 地方政府向国际组织借款付息支出
2320304 地方政府其他一般债务付息支出
23204 地方政府专项债务付息支出

# 233 债务发行费用支出
23303 地方政府一般债务发行费用支出
23304 地方政府专项债务发行费用支出
"""

STD_ITEMS = (("01", "行政运行"), ("02", "一般行政管理事务"), ("03", "机关服务"))

# Legacy names carry the 款 as a qualifier on the generic items ("行政运行（人大）"); the
# official list does not, and the code already places the row, so the qualifier goes.
# Qualifiers on non-generic names are kept: there they are part of the name.
GENERIC_BASES = (
    "行政运行", "一般行政管理事务", "机关服务", "事业运行", "机构运行", "信息化建设",
    "专项服务", "专项业务", "技能培训", "信息管理", "网络运行及维护", "参政议政", "行业监管",
)
_QUALIFIED = re.compile(r"^(%s)\s*（[^（）]*）$" % "|".join(GENERIC_BASES))

# Obvious typing errors in the legacy source (same code, same meaning).
LEGACY_TYPO_FIXES = {
    "2120703": ("谦租住房维护和管理支出", "廉租住房维护和管理支出"),
    "2130148": ("石油价格改革对淦业的补贴", "石油价格改革对渔业的补贴"),
    "2140499": ("石油价格改补贴其他支出", "石油价格改革补贴其他支出"),
    "2160206": ("内类储备", "肉类储备"),
    "2160212": ("处理供销社佳账利息补贴", "处理供销社挂账利息补贴"),
    "2160402": ("一般行政管理运行", "一般行政管理事务"),
}

# ----------------------------------------------------------------------------------------
# 部门预算支出经济分类 (2018+ edition, 财预〔2017〕98号): "code name" per line.
# ----------------------------------------------------------------------------------------
CURATED_ECON = """
301 工资福利支出
30101 基本工资
30102 津贴补贴
30103 奖金
30106 伙食补助费
30107 绩效工资
30108 机关事业单位基本养老保险缴费
30109 职业年金缴费
30110 职工基本医疗保险缴费
30111 公务员医疗补助缴费
30112 其他社会保障缴费
30113 住房公积金
30114 医疗费
30199 其他工资福利支出
302 商品和服务支出
30201 办公费
30202 印刷费
30203 咨询费
30204 手续费
30205 水费
30206 电费
30207 邮电费
30208 取暖费
30209 物业管理费
30211 差旅费
30212 因公出国（境）费用
30213 维修（护）费
30214 租赁费
30215 会议费
30216 培训费
30217 公务接待费
30218 专用材料费
30224 被装购置费
30225 专用燃料费
30226 劳务费
30227 委托业务费
30228 工会经费
30229 福利费
30231 公务用车运行维护费
30239 其他交通费用
30240 税金及附加费用
30299 其他商品和服务支出
303 对个人和家庭的补助
30301 离休费
30302 退休费
30303 退职（役）费
30304 抚恤金
30305 生活补助
30306 救济费
30307 医疗费补助
30308 助学金
30309 奖励金
30310 个人农业生产补贴
30311 代缴社会保险费 ?
30399 其他对个人和家庭的补助
307 债务利息及费用支出
30701 国内债务付息
30702 国外债务付息
30703 国内债务发行费用
30704 国外债务发行费用
309 资本性支出（基本建设）
30901 房屋建筑物购建
30902 办公设备购置
30903 专用设备购置
30905 基础设施建设
30906 大型修缮
30907 信息网络及软件购置更新
30908 物资储备
30913 公务用车购置
30919 其他交通工具购置
30921 文物和陈列品购置
30922 无形资产购置
30999 其他基本建设支出
310 资本性支出
31001 房屋建筑物购建
31002 办公设备购置
31003 专用设备购置
31005 基础设施建设
31006 大型修缮
31007 信息网络及软件购置更新
31008 物资储备
31009 土地补偿
31010 安置补助
31011 地上附着物和青苗补偿
31012 拆迁补偿
31013 公务用车购置
31019 其他交通工具购置
31021 文物和陈列品购置
31022 无形资产购置
31099 其他资本性支出
311 对企业补助（基本建设）
31101 资本金注入
31199 其他对企业补助
312 对企业补助
31201 资本金注入
31203 政府投资基金股权投资
31204 费用补贴
31205 利息补贴
31299 其他对企业补助
313 对社会保障基金补助
31302 对社会保险基金补助
31303 补充全国社会保障基金
399 其他支出
39906 赠与 ?
39907 国家赔偿费用支出 ?
39908 对民间非营利组织和群众性自治组织补贴 ?
39999 其他支出
"""

FUND_TYPES = [
    ("1", "一般公共预算", "general public budget"),
    ("2", "政府性基金预算", "government fund budget"),
    ("3", "国有资本经营预算", "state capital operation budget"),
    ("4", "社会保险基金预算", "social insurance fund budget"),
]

# The audit feed's 问题类别. The first six are the ones FEEDS.md names; the rest are the
# other headings audit-rectification reports commonly group findings under.
AUDIT_CATEGORIES = [
    ("budget_management", "预算管理", "Budget management"),
    ("special_funds", "专项资金", "Special-purpose funds"),
    ("government_procurement", "政府采购", "Government procurement"),
    ("state_asset_management", "国有资产管理", "State asset management"),
    ("financial_management", "财务管理", "Financial management"),
    ("debt_management", "债务管理", "Debt management"),
    ("non_tax_revenue", "非税收入管理", "Non-tax revenue management"),
    ("three_public_expenses", "三公经费", "Three public expenses (overseas trips, official reception, official vehicles)"),
    ("construction_projects", "工程建设管理", "Construction project management"),
    ("performance_management", "绩效管理", "Performance management"),
    ("internal_control", "内部控制", "Internal control"),
    ("soe_management", "国有企业经营管理", "State-owned enterprise management"),
    ("other", "其他", "Other"),
]


def parse_curated(text: str) -> list[dict]:
    rows = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        code, rest = line.split(" ", 1)
        flags = set()
        while True:
            rest = rest.rstrip()
            for flag in ("+std", "!", "?"):
                if rest.endswith(" " + flag):
                    flags.add(flag)
                    rest = rest[: -len(flag) - 1]
                    break
            else:
                break
        if not code.isdigit() or " " in rest.strip():
            raise ValueError(f"bad curated line: {raw!r}")
        rows.append({"code": code, "name": rest.strip(), "flags": flags})
    return rows


def level_of(code: str) -> int:
    return {3: 1, 5: 2, 7: 3}[len(code)]


def parent_of(code: str) -> str:
    return {3: "", 5: code[:3], 7: code[:5]}[len(code)]


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def clean_legacy_name(code: str, name: str) -> str:
    name = name.strip()
    if code in LEGACY_TYPO_FIXES:
        wrong, right = LEGACY_TYPO_FIXES[code]
        if name != wrong:
            raise ValueError(f"typo fix for {code} expected {wrong!r}, found {name!r}")
        name = right
    m = _QUALIFIED.match(name)
    return m.group(1) if m else name


def build_func(ref: Path, report: dict) -> list[dict]:
    table: dict[str, dict] = {}

    # 类: the recent-names file first, then the transcribed ones (which win on conflict).
    for r in read_csv(ref / "exp_func_class_level_recent_names.csv"):
        code = r["class_code"].strip()
        if code:
            table[code] = {"code": code, "name": r["class_name"].strip(), "source": SRC_RECENT}
    for code, name in CLASS_MOF_2025.items():
        table[code] = {"code": code, "name": name, "source": SRC_MOF}
    classes = set(table)

    curated = parse_curated(CURATED_FUNC)
    reassigned = {r["code"] for r in curated if "!" in r["flags"]}

    dropped = {"obsolete_class": 0, "reassigned_kuan": 0}
    legacy_names = {}
    for r in read_csv(ref / "exp_func_classification_legacy_yonyou_gov_df.csv"):
        code = r["code"].strip()
        legacy_names[code] = r["name"].strip()
        if len(code) == 3:
            continue  # class names come from the current list only
        if code[:3] not in classes:
            dropped["obsolete_class"] += 1  # e.g. 218 地震灾后恢复重建, 228 国债事务
            continue
        if len(code) == 7 and code[:5] in reassigned:
            dropped["reassigned_kuan"] += 1
            continue
        table[code] = {"code": code, "name": clean_legacy_name(code, r["name"]),
                       "source": SRC_LEGACY}

    less_sure, same_as_legacy = [], 0
    for r in curated:
        entries = [(r["code"], r["name"])]
        if "+std" in r["flags"]:
            entries += [(r["code"] + suffix, name) for suffix, name in STD_ITEMS]
        for code, name in entries:
            if len(code) not in (5, 7) or code[:3] not in classes:
                raise ValueError(f"curated code {code} has no current class")
            if code in table and table[code]["name"] == name:
                same_as_legacy += 1
            table[code] = {"code": code, "name": name, "source": SRC_MOF}
        if "?" in r["flags"]:
            less_sure.append(f"{r['code']} {r['name']}")

    rows = []
    for code in sorted(table):
        row = table[code]
        row["level"] = level_of(code)
        row["parent_code"] = parent_of(code)
        if row["parent_code"] and row["parent_code"] not in table:
            raise ValueError(f"{code} {row['name']}: parent {row['parent_code']} missing")
        rows.append(row)

    report["func_dropped"] = dropped
    report["func_less_sure"] = less_sure
    report["func_curated_same_as_legacy"] = same_as_legacy
    return rows


def build_econ(ref: Path, report: dict) -> list[dict]:
    legacy = {r["code"].strip(): r["name"].strip()
              for r in read_csv(ref / "exp_econ_classification_dept_legacy_yonyou_gov_df.csv")}
    rows, less_sure = [], []
    for r in parse_curated(CURATED_ECON):
        code, name = r["code"], r["name"]
        # Cited as legacy only when the old list has the same code under the same name:
        # then the meaning is unchanged. Renamed or reused codes get the 2018 edition.
        source = SRC_LEGACY if legacy.get(code) == name else SRC_ECON
        rows.append({"code": code, "name": name, "level": {3: 1, 5: 2}[len(code)],
                     "parent_code": code[:3] if len(code) == 5 else "", "source": source})
        if "?" in r["flags"]:
            less_sure.append(f"{code} {name}")
    codes = {r["code"] for r in rows}
    for row in rows:
        if row["parent_code"] and row["parent_code"] not in codes:
            raise ValueError(f"econ {row['code']}: parent missing")
    report["econ_less_sure"] = less_sure
    return rows


def main(argv: list[str]) -> int:
    ref = Path(argv[1]).resolve() if len(argv) > 1 else DEFAULT_REF
    if not (ref / "exp_func_classification_legacy_yonyou_gov_df.csv").is_file():
        print(f"reference folder not found or incomplete: {ref}", file=sys.stderr)
        return 2
    report: dict = {}

    func = build_func(ref, report)
    write_csv(HERE / "func_classification.csv",
              ["code", "name", "level", "parent_code", "source"], func)
    econ = build_econ(ref, report)
    write_csv(HERE / "econ_classification.csv",
              ["code", "name", "level", "parent_code", "source"], econ)
    write_csv(HERE / "fund_types.csv", ["code", "name", "name_en"],
              [dict(zip(("code", "name", "name_en"), t)) for t in FUND_TYPES])
    write_csv(HERE / "audit_categories.csv", ["code", "name", "name_en"],
              [dict(zip(("code", "name", "name_en"), t)) for t in AUDIT_CATEGORIES])
    regions = read_csv(ref / "admin_divisions_hunan_430000.csv")
    write_csv(HERE / "regions.csv", ["code", "name", "level", "parent_code"], regions)

    def counts(rows, key):
        out: dict = {}
        for r in rows:
            out[r[key]] = out.get(r[key], 0) + 1
        return dict(sorted(out.items(), key=lambda kv: str(kv[0])))

    print(f"func_classification.csv: {len(func)} rows; by source {counts(func, 'source')}; "
          f"by level {counts(func, 'level')}")
    print(f"  legacy rows dropped: {report['func_dropped']}; curated rows whose name equals "
          f"the cleaned legacy name: {report['func_curated_same_as_legacy']}")
    print(f"  less-sure curated entries ({len(report['func_less_sure'])}): "
          + "; ".join(report["func_less_sure"]))
    print(f"econ_classification.csv: {len(econ)} rows; by source {counts(econ, 'source')}")
    print(f"  less-sure entries: {'; '.join(report['econ_less_sure'])}")
    print(f"fund_types.csv: {len(FUND_TYPES)}; audit_categories.csv: {len(AUDIT_CATEGORIES)}; "
          f"regions.csv: {len(regions)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
