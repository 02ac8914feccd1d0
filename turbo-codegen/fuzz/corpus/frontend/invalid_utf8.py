# expect: TB002
x = "café"
