"""Pinyin keys: the character-by-character fast path gives exactly what pypinyin gives."""

from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from peixun.lib.pinyin import pinyin_keys

# Common surname and given-name characters, polyphonic ones among them (曾 单 解 朝 乐 重 长 行).
CHARACTERS = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文单解朝乐重长行明华国建伟芳丽敏静秀英军杰"
    "涛强磊洋艳勇娟霞平刚桂兰晓红玉春燕"
)


def reference(name: str) -> tuple[str, str]:
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    return "".join(syllables).lower().replace(" ", ""), "".join(s[0] for s in syllables if s).lower()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=CHARACTERS, min_size=1, max_size=4))
def test_names_read_as_pypinyin_reads_them(name):
    assert pinyin_keys(name) == reference(name)


def test_examples():
    assert pinyin_keys("张三") == ("zhangsan", "zs")
    assert pinyin_keys("王小明") == ("wangxiaoming", "wxm")
    assert pinyin_keys("Anna李") == reference("Anna李")
