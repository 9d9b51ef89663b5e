"""Import and export: CSV and JSON files in and out of colibri, for people and their scripts.

- `columns`: what each kind of record is made of, and how a file's headers are read.
- `sources`: opening a file or stdin: encoding, BOM, CSV delimiter, JSON array or lines.
- `values`: reading one cell (amounts, dates) with fast paths over the shared parsers.
- `importing`: validating rows with the rules of the single-record commands, matching
  them to what is already there, and writing them in batches in one transaction.
- `exporting`: the same columns out again, so that an export can be imported back.
"""
