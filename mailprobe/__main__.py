from mailprobe.cli import main_entry

main_entry()
