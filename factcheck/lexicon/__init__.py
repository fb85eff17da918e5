"""Word lists and patterns of a language, written once and imported by every stage.

`en` holds English: months, weekdays, the year pattern, hedges, stop words, titles and kinds
of count. Stages import from `factcheck.lexicon.en`, never keep copies of their own.
"""
