"""`lambdalearn web`: the study app served to browsers through textual-serve, one app process per tab."""
