"""Obvious comments in three languages, shared by the model-kind tests: a model that learned
anything gets these right."""

SUBSTANTIVE = [
    "màu son này lên môi có bị khô không shop, da môi mình hay bị nứt vào mùa đông?",
    "这个方法第三步的温度是多少？我试了两次都失败了，面团一直发不起来",
    "i tried the recipe at 3:20 but the dough was too wet, should i add more flour or let it rest longer?",
]
GENERIC = [
    "hay quá 😍😍😍",
    "加薇信 abc12345 兼职日结 一单一结",
    "nice video!!! check out my channel and sub4sub",
]
