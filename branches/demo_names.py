"""Chinese names for the demo data, shared by every app's demo module (so it sits
in the ground app): weighted surnames and given names typical of a generation."""

from itertools import accumulate

MALE, FEMALE = "M", "F"  # the codes of members.Member.Gender

# Surnames weighted roughly like the 2020 census (percent of population).
SURNAMES = (
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("赵", 2.3), ("黄", 2.2),
    ("周", 2.1), ("吴", 2.0), ("徐", 1.7), ("孙", 1.5), ("胡", 1.3), ("朱", 1.26), ("高", 1.2), ("林", 1.18),
    ("何", 1.17), ("郭", 1.15), ("马", 1.05), ("罗", 0.86), ("梁", 0.84), ("宋", 0.77), ("郑", 0.75), ("谢", 0.72),
    ("韩", 0.68), ("唐", 0.65), ("冯", 0.64), ("于", 0.62), ("董", 0.61), ("肖", 0.6), ("程", 0.59), ("曹", 0.58),
    ("袁", 0.57), ("邓", 0.57), ("许", 0.56), ("傅", 0.54), ("沈", 0.54), ("曾", 0.53), ("彭", 0.53), ("吕", 0.51),
    ("苏", 0.5), ("卢", 0.5), ("蒋", 0.49), ("蔡", 0.48), ("贾", 0.42), ("丁", 0.41), ("魏", 0.4), ("薛", 0.39),
    ("叶", 0.39), ("阎", 0.38), ("余", 0.37), ("潘", 0.36), ("杜", 0.35), ("戴", 0.34), ("夏", 0.34), ("钟", 0.33),
    ("汪", 0.33), ("田", 0.32), ("任", 0.31), ("姜", 0.31), ("范", 0.3), ("方", 0.3), ("石", 0.29), ("姚", 0.29),
    ("谭", 0.28), ("廖", 0.28), ("邹", 0.27), ("熊", 0.27), ("金", 0.26), ("陆", 0.26), ("郝", 0.25), ("孔", 0.25),
    ("白", 0.25), ("崔", 0.24), ("康", 0.24), ("毛", 0.23), ("邱", 0.23), ("秦", 0.22), ("江", 0.22), ("史", 0.21),
    ("顾", 0.21), ("侯", 0.2), ("邵", 0.2), ("孟", 0.2), ("龙", 0.19), ("万", 0.19), ("段", 0.18), ("雷", 0.18),
    ("钱", 0.17), ("汤", 0.17), ("尹", 0.16), ("黎", 0.16), ("易", 0.16), ("常", 0.15), ("武", 0.15), ("乔", 0.15),
    ("贺", 0.14), ("赖", 0.14), ("龚", 0.14), ("文", 0.13), ("欧阳", 0.05), ("诸葛", 0.01),
)
_SURNAME_CHOICES = tuple(s for s, _ in SURNAMES)
_SURNAME_CUM_WEIGHTS = tuple(accumulate(w for _, w in SURNAMES))

GIVEN_CHARS = {
    MALE: "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁建国峰林浩亮志文东海兵俊龙宇晨博翔凯健成德民春荣新永庆生胜祥学光利云家天振江山洋昊轩泽睿毅彬锋旭阳晖立忠义宏",
    FEMALE: "芳娜敏静丽艳娟霞秀英燕玲桂兰红梅琳婷雪慧莉萍颖洁琴丹倩佳晶欣月玉珍凤彤悦怡瑶雯璐萌嘉思雨梓涵诗琪蕾晓",
}
# whole given names typical of a generation
OLD_GIVEN = {
    MALE: ("建国", "建军", "国庆", "卫东", "卫国", "志刚", "志强", "建华", "建平", "国强", "德明", "国华",
                         "振华", "永福", "长青", "解放"),
    FEMALE: ("秀英", "桂英", "秀兰", "桂兰", "玉兰", "桂芳", "淑珍", "秀珍", "凤英", "玉珍", "丽华",
                           "淑华", "红梅", "美华", "素芳", "爱华"),
}
YOUNG_GIVEN = {
    MALE: ("子轩", "浩然", "宇航", "俊杰", "梓豪", "一鸣", "思远", "博文", "晨阳", "天宇", "皓轩", "明轩"),
    FEMALE: ("梓涵", "欣怡", "雨桐", "诗涵", "紫萱", "梦琪", "佳怡", "思雨", "可馨", "雅琪", "语嫣", "若曦"),
}


def person_name(rng, gender: str, birth_year: int | None = None) -> str:
    """A Chinese name: weighted surname, given name of 1–2 characters typical of the generation."""
    surname = rng.choices(_SURNAME_CHOICES, cum_weights=_SURNAME_CUM_WEIGHTS)[0]
    birth_year = birth_year or rng.randint(1960, 2000)
    roll = rng.random()
    if birth_year < 1965 and roll < 0.35:
        return surname + rng.choice(OLD_GIVEN[gender])
    if birth_year >= 1990 and roll < 0.3:
        return surname + rng.choice(YOUNG_GIVEN[gender])
    chars = GIVEN_CHARS[gender]
    single = 0.35 if 1970 <= birth_year < 1995 else 0.2
    if len(surname) > 1 or rng.random() < single:
        return surname + rng.choice(chars)
    first = rng.choice(chars)
    second = rng.choice(chars)
    while second == first:
        second = rng.choice(chars)
    return surname + first + second
