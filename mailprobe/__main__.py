from mailprobe.cli import app

app()
