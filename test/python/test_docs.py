"""The example in docs/python.md runs as written."""
import os
import re


def test_python_md_example_runs(root, tmp_path, capsys):
    text = open(os.path.join(root, "docs", "python.md")).read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "docs/python.md has no python example"
    exec(compile(blocks[0], "docs/python.md", "exec"),
         {"ROOT": root, "TMP": str(tmp_path)})
    printed = capsys.readouterr().out
    assert "input [2, 4, 16]" in printed
    assert "expected shape [2,4,16] f32, got [2,4,8] f32" in printed
    assert "/fc1/Gemm" in printed
