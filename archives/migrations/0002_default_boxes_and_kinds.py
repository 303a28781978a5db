"""SPEC §5 defaults: the six boxes (capacity, binding deadline)
and the document kinds each holds, with the ones a period needs marked
required. All of it is data, editable in the admin."""

from django.db import migrations

# box_kind, capacity, bind_within_days, order, description
BOXES = [
    ("organization", 60, 90, 1, "成立/换届/委员变更材料，计划总结，党建论文和案例；每届合订一次"),
    ("members", 60, 90, 2, "花名册、组织关系转接、党费票据和台账、发展党员材料、评先推优、困难党员台账；每年合订"),
    ("life", 60, 90, 3, "三会一课计划和记录、主题党日、书记述职报告、党课讲稿、组织生活会材料、谈心谈话记录、民主评议表；每年合订"),
    ("education", 60, 90, 4, "上级文件、学习教育计划和总结；每年合订"),
    ("excellence", 60, 90, 5, "三亮三比、党员服务队、党员责任区/示范岗、先进典型；每年合订"),
    ("mass_culture", 60, 90, 6, "群众工作、思想动态、走访慰问、志愿服务、文化、团青；每年合订"),
]

# code, box_kind, name, required, required_for, auto, hint
KINDS = [
    # 组织管理档案盒 (per committee term)
    ("org_election", "organization", "成立、换届选举材料", True, "all", True, "选举结果、委员会组成、上级批复"),
    ("org_committee_change", "organization", "委员变更（补选、调整）材料", False, "all", True, ""),
    ("org_plan", "organization", "工作计划", True, "all", False, "支部年度工作计划"),
    ("org_summary", "organization", "工作总结", False, "all", False, "支部年度/任期工作总结"),
    ("org_papers", "organization", "党建论文和案例", False, "all", False, ""),
    ("org_other", "organization", "其他材料", False, "all", False, ""),
    # 党员管理档案盒
    ("mem_roster", "members", "党员花名册", True, "all", False, ""),
    ("mem_transfer", "members", "组织关系转接材料", False, "all", True, "介绍信存根、回执"),
    ("mem_dues", "members", "党费收缴票据和台账", True, "all", True, ""),
    ("mem_development", "members", "发展党员材料", False, "all", True, ""),
    ("mem_commendation", "members", "评先推优材料", False, "all", False, ""),
    ("mem_hardship", "members", "困难党员台账", False, "all", False, ""),
    ("mem_other", "members", "其他材料", False, "all", False, ""),
    # 组织生活档案盒
    ("life_plan", "life", "三会一课及主题党日计划", True, "all", False, ""),
    ("life_assembly", "life", "支部党员大会记录", True, "all", True, ""),
    ("life_committee", "life", "支委会记录", True, "with_committee", True, ""),
    ("life_group", "life", "党小组会记录", True, "with_groups", True, ""),
    ("life_lecture", "life", "党课记录及讲稿", True, "all", True, ""),
    ("life_theme_day", "life", "主题党日活动记录", True, "all", True, ""),
    ("life_study", "life", "集中学习记录", False, "all", True, ""),
    ("life_secretary_report", "life", "书记述职报告", True, "all", False, ""),
    ("life_life_meeting", "life", "组织生活会材料", True, "all", True, ""),
    ("life_evaluation", "life", "民主评议表", True, "all", True, ""),
    ("life_talks", "life", "谈心谈话记录", True, "all", False, ""),
    ("life_other", "life", "其他材料", False, "all", False, ""),
    # 集中教育档案盒
    ("edu_superior", "education", "上级文件", True, "all", False, ""),
    ("edu_plan", "education", "学习教育计划", True, "all", False, ""),
    ("edu_summary", "education", "学习教育总结", True, "all", False, ""),
    ("edu_other", "education", "其他材料", False, "all", False, ""),
    # 创先争优档案盒
    ("exc_sanliang", "excellence", "三亮三比材料", True, "all", False, "亮身份、亮承诺、亮职责，比作风、比技能、比业绩"),
    ("exc_service_team", "excellence", "党员服务队材料", False, "all", False, ""),
    ("exc_responsibility", "excellence", "党员责任区、示范岗材料", True, "all", False, ""),
    ("exc_models", "excellence", "先进典型材料", False, "all", False, ""),
    ("exc_other", "excellence", "其他材料", False, "all", False, ""),
    # 群团文化档案盒
    ("mass_work", "mass_culture", "群众工作材料", False, "all", False, ""),
    ("mass_thought", "mass_culture", "思想动态分析", True, "all", False, ""),
    ("mass_visits", "mass_culture", "走访慰问记录", True, "all", False, ""),
    ("mass_volunteer", "mass_culture", "志愿服务记录", False, "all", False, ""),
    ("mass_culture", "mass_culture", "文化活动材料", False, "all", False, ""),
    ("mass_youth", "mass_culture", "团青工作材料", False, "all", False, ""),
    ("mass_other", "mass_culture", "其他材料", False, "all", False, ""),
]


def seed(apps, schema_editor):
    BoxType = apps.get_model("archives", "BoxType")
    DocumentKind = apps.get_model("archives", "DocumentKind")
    for box_kind, capacity, days, order, description in BOXES:
        BoxType.objects.update_or_create(
            box_kind=box_kind,
            defaults={
                "capacity": capacity,
                "bind_within_days": days,
                "order": order,
                "description": description,
            },
        )
    for order, (code, box_kind, name, required, required_for, auto, hint) in enumerate(KINDS, start=1):
        DocumentKind.objects.update_or_create(
            code=code,
            defaults={
                "box_kind": box_kind,
                "name": name,
                "required": required,
                "required_for": required_for,
                "auto": auto,
                "order": order,
                "hint": hint,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("archives", "DocumentKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()
    apps.get_model("archives", "BoxType").objects.filter(box_kind__in=[b[0] for b in BOXES]).delete()


class Migration(migrations.Migration):
    dependencies = [("archives", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
