"""Widgets shared by the screens: answer pads per question type, verdicts, the study heatmap."""
