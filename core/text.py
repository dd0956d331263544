"""Labels and number formats in Ukrainian (default) and English."""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Iterable

from .schema import ALL_ROLES

__all__ = [
    "LANGS",
    "METRIC_LABELS",
    "NOUNS",
    "OTHER_MAP_VALUES",
    "REASONS",
    "STATUS_LABELS",
    "TEXT",
    "coverage_note",
    "NUMBER_STYLE",
    "format_count",
    "format_date",
    "format_number",
    "format_numbers",
    "format_percent",
    "issue_text",
    "source_text",
    "source_message",
    "name_column",
    "other_lang",
    "parse_number",
    "plotly_separators",
    "role_label",
    "LABELS",
    "label",
    "column_text",
    "metric_label",
    "metric_spec",
    "plural_form",
    "reason_text",
    "solver_text",
    "t",
]

LANGS = ("uk", "en")

TEXT: dict[str, dict[str, str]] = {
    "uk": {
        "title": "Атлас кадрів соціальної сфери України",
        "subtitle": "Соціальні працівники громад проти кількості мешканців і ВПО",
        "nav_overview": "Огляд",
        "nav_map": "Карта",
        "nav_profile": "Профіль громади",
        "nav_scenarios": "Сценарії",
        "nav_funding": "Фінансування",
        "nav_data": "Дані",
        "nav_method": "Методика",
        "language": "English",
        "level": "Рівень",
        "oblast": "Області",
        "raion": "Райони",
        "hromada": "Громади",
        "metric": "Показник",
        "reset": "Уся Україна",
        "search": "Пошук громади",
        "search_placeholder": "Назва громади українською або англійською",
        "download": "Завантажити таблицю (.xlsx)",
        "ukraine": "Україна",
        "no_data": "немає даних",
        "coverage_partial": "часткові дані: {reporting} з {total}",
        "upload_cells": "Знаки в клітинках (необов'язково): знак=нуль, невідомо або не застосовується; через «;»",
        "upload_cells_help": (
            "Типово — як у таблицях Держстату: «–» = нуль; «…», «н/д», «n/a» = немає даних; "
            "«х» = не застосовується (рахується нулем). Наприклад: –=невідомо; н/д=нуль"
        ),
        "upload_cells_invalid": (
            "знаки в клітинках: очікується знак=нуль, невідомо або не застосовується, отримано {part}"
        ),
        "upload_cells_example": "–=невідомо; н/д=нуль",
        "upload_header_row_invalid": "рядок заголовка має бути номером рядка від 1, отримано {value}",
        "upload_columns_invalid": "стовпці: очікується поле=заголовок або літера, отримано {part}",
        "coverage_kind": "{kind}: {note}",
        "coverage_label": "Охоплення: {kind}",
        "coverage_none": "немає таблиці цього виду: кожен показник з неї — «немає даних», не нуль",
        "coverage_cover": (
            "{note}; суми й частки України та областей — лише з громад, що звітували; "
            "громади без даних не рахуються нулем"
        ),
        "cover_dataset": "Набір даних",
        "cover_manifest": "Маніфест",
        "cover_period": "Період",
        "cover_reference_date": "Дата даних: {kind}",
        "cover_norm": "Норматив",
        "cover_norm_text": "{norm} соціальних працівників громади на 10 000 мешканців; вага ВПО {weight}",
        "cover_population_base": "База потреби",
        "base_name_present": (
            "наявне населення: мешканці 2022 року без ВПО, що виїхали, плюс ВПО, які живуть тут; без окупованих громад"
        ),
        "base_name_residents_plus_idp": "мешканці плюс ВПО (верхня межа: переселені враховані двічі)",
        "base_name_pre_war": "мешканці на 01.01.2022",
        "cover_boundaries": "Межі",
        "cover_boundaries_approximate": "наближені, не офіційні межі громад",
        "cover_boundaries_given": "як у наборі даних",
        "cover_estimated": "Оцінено: {kind}",
        "cover_estimated_text": (
            "{count} з {total} одиниць рівня громади: розподілено з даних області чи району або позначено як оцінку "
            "у файлі"
        ),
        "cover_source": "Джерело: {kind}",
        "cover_scenario": "Сценарій",
        "cover_scenario_base": "базовий: файл припущень",
        "cover_assumptions_file": "Файл припущень",
        "cover_generated": "Створено",
        "cover_no_data": "Немає даних",
        "cover_no_data_text": "Порожня клітинка означає «немає даних», а не нуль. Коди КАТОТТГ записано як текст.",
        "cover_sheet": "Аркуш: {sheet}",
        "cover_title_gaps": "Атлас кадрів соціальної сфери України: таблиці розривів",
        "cover_title_shown": "Атлас кадрів соціальної сфери України: таблиця, як на екрані",
        "cover_level": "Рівень",
        "cover_metric": "Показник",
        "cover_oblast": "Область",
        "cover_all_ukraine": "уся Україна",
        "cover_filter": "Фільтр",
        "cover_none": "немає",
        "cover_sorted": "Сортування",
        "cover_rows": "Рядків",
        "cli_allocate_head": "Бюджет {budget} грн на {years} р.; мета {objective}: ",
        "cli_objective_coverage": (
            "люди, обслужені за нормативом, кожна наступна посада в громаді важить менше (максимум)"
        ),
        "cli_objective_norm": "найнижче відношення соціальних працівників громад до потреби за нормативом (максимум)",
        "cli_objective_wisn": "найнижчий коефіцієнт WISN соціальних працівників громад (максимум)",
        "cli_objective_lifted": "громади, що отримують першого соціального працівника (максимум)",
        "cli_allocate_exact": (
            "Точний розв'язок (MILP): {positions} посад ({vacancies} вакантних заповнено, {new} нових) у {hromadas} "
            "громадах, {spent} грн (за роками: {by_year}); мета {value}; обслужено за нормативом +{served} "
            "({seconds} с)"
        ),
        "cli_allocate_greedy": "Жадібний алгоритм: {positions} посад, {spent} грн; мета {value}; обслужено +{served}",
        "cli_allocate_more": "… і ще {rows} рядків (--out ФАЙЛ.xlsx або --json)",
        "cli_column_code": "код",
        "cli_column_name": "громада",
        "cli_column_role": "посада",
        "cli_column_positions": "посад",
        "cli_column_cost": "вартість, грн",
        "cli_column_why": "чому",
        "cli_wrote": "Записано {path}",
        "profile_priority": "Пріоритет для донорів: {rank} з {total}",
        "profile_priority_title": "Пріоритет для донорів",
        "priority_component_gap_per_10k": "дефіцит на 10 тис.",
        "priority_component_idp_share": "частка ВПО",
        "priority_component_no_psychologist": "немає психолога",
        "priority_component_caseload_per_worker": "випадків на працівника",
        "profile_not_ranked": "Не ранжується: відомо замало складників індексу пріоритету.",
        "full_workbook": "Повний звіт (.xlsx)",
        "level_word_oblast": "область",
        "level_word_raion": "район",
        "yes": "так",
        "no": "ні",
        "name": "Назва",
        "population": "Населення",
        "idp": "ВПО",
        "workers": "Соціальні працівники",
        "psychologists": "Психологи",
        "positions": "Затверджені посади",
        "gap": "Дефіцит посад",
        "hromadas_no_worker": "Громад без соціального працівника",
        "hromadas_no_psychologist": "Громад без психолога",
        "approximate": (
            "Межі громад наближені (демо): побудовані з розташування населених пунктів GeoNames, "
            "це не офіційні межі. Щоб показати офіційні межі, завантажте файли COD-AB (див. README)."
        ),
        "estimated": "* Кількість ВПО в громадах оцінена розподілом обласних оцінок МОМ.",
        "estimated_children": (
            "* Кількість дітей 0–17 оцінена: частка дітей в області (Держстат, 1 січня 2022 р.) × "
            "база населення громади."
        ),
        "click_hint": "Клацніть область на карті, щоб побачити її громади; клацніть громаду, щоб побачити її профіль.",
        "table_hint": "Таблиця поруч із картою показує ті самі дані для тих, хто не розрізняє кольори.",
        "sheet": "Таблиця",
        "oblast_ranking": "Рейтинг областей",
        "profile_title": "Профіль громади",
        "profile_pick": "Оберіть громаду на карті або в пошуку.",
        "open_profile": "Відкрити профіль",
        "role": "Посада",
        "approved": "Затверджено",
        "filled": "Зайнято",
        "compare_oblast": "Область",
        "compare_similar": "Схожі громади (медіана)",
        "this_hromada": "Ця громада",
        "figure": "Показник",
        "type": "Тип громади",
        "urban": "міська",
        "settlement": "селищна",
        "rural": "сільська",
        "caseload_sjo": "Сім'ї у СЖО",
        "caseload_low_income": "Малозабезпечені сім'ї з дітьми",
        "required": "Потреба за нормативом, посад",
        "back_to_map": "До карти",
        "plan_budget": "Бюджет програми, грн",
        "plan_years": "Років програми",
        "plan_cost_by_year": "Витрати за роками, грн",
        "plan_vacancies": "Заповнено вакантних посад",
        "plan_served": "Додатково обслужено людей за нормативом",
        "plan_excluded_status": "Не враховано за статусом території",
        "plan_objective": "Мета",
        "plan_roles": "Посади, які можна фінансувати",
        "plan_constraints": "Обмеження",
        "plan_assumptions": "Файл припущень",
        "plan_status": "Розв'язок",
        "validate_ok": "ПРИДАТНИЙ",
        "validate_not_usable": "НЕПРИДАТНИЙ",
        "validate_sheet": " [аркуш {sheet}]",
        "validate_file": "{kind} {path}: {status}",
        "validate_unknown": "невідомий",
        "validate_counts": (
            "  рівень: {level}; рядків прочитано: {rows}; зіставлено: {matched}; не зіставлено: {unmatched}; "
            "помилок: {errors}; попереджень: {warnings}"
        ),
        "validate_totals": "  підсумки: {totals}",
        "validate_closest": " (найближчі: {names})",
        "validate_unmatched": "  не зіставлено рядок {row}: {value}{hint}",
        "validate_row": "рядок {row}",
        "validate_whole_file": "файл",
        "validate_in_sheet": "аркуш {sheet}, {where}",
        "validate_in_column": "{where}, стовпець {column}",
        "validate_error": "  помилка: {where}: {message}",
        "validate_warning": "  попередження: {where}: {message}",
        "validate_all": "{status}: придатних файлів {usable} з {files}",
        "validate_all_ok": "УСЕ ГАРАЗД",
        "validate_all_not_ok": "Є ПРОБЛЕМИ",
        "column_with_header": "{label} (у файлі: «{header}»)",
        "solver_optimal": "Знайдено оптимальний розподіл.",
        "solver_time_limit": (
            "Розв'язувачу забракло часу: показано найкращий знайдений розподіл (він може бути не оптимальним)."
        ),
        "solver_time_limit_gap": (
            "Розв'язувачу забракло часу: показано найкращий знайдений розподіл (він може бути не оптимальним). "
            "Він щонайбільше на {gap} % гірший за оптимум (розрив MIP)."
        ),
        "solver_no_solution": "За відведений час розв'язку не знайдено; збільште ліміт часу.",
        "solver_no_data": "Немає громади з відомими населенням і штатом: розподіляти нічого.",
        "solver_no_budget": "Бюджет — 0 грн: профінансувати нічого не можна.",
        "solver_no_gap": "Жодна громада не має дефіциту до нормативу за вибраними посадами: фінансувати нічого.",
        "solver_infeasible_unreachable": (
            "Задано мінімум одного працівника, але з громад без соціального працівника громади ({forced}) "
            "{unreachable} не можуть його отримати: там не можна фінансувати жодної посади громади "
            "(перевірте посади й нормативи)."
        ),
        "solver_infeasible_budget": (
            "Щоб дати по одній посаді кожній громаді без соціального працівника громади (таких громад: {forced}), "
            "потрібно щонайменше {least} грн; бюджет — {budget} грн."
        ),
        "solver_infeasible_caps": (
            "Обмеження неможливо виконати разом: мінімум одного працівника на громаду не вміщується в межі "
            "для областей і межі часток."
        ),
        "solver_left_out_status": (
            "Не враховано громад зі статусом «{status}»: {count} (планувальник може їх включити)."
        ),
        "solver_left_out_population": "Не враховано громад, де невідомі населення або штат: {count}.",
        "solver_left_out_children": "Не враховано громад, де невідомі кількість дітей або штат: {count}.",
        "solver_residents_only": ("Громад без даних про ВПО, потреба яких рахує лише мешканців (нижня межа): {count}."),
        "solver_no_idp_base": (
            "Громад без даних про ВПО (області {oblasts}), база населення яких не враховує ВПО, що в них живуть "
            "(нижня межа): {count}."
        ),
        "solver_hostilities": "Громад у плані з переліку територій бойових дій (позначено): {count}.",
        "plan_spent": "Витрачено, грн",
        "plan_positions": "Посад (вакансії + нові)",
        "plan_hromadas": "Громад із посадами плану",
        "plan_objective_value": "Значення мети (точний розв'язок)",
        "plan_greedy": "Жадібний алгоритм: посад / грн / значення мети",
        "plan_mip_gap": "Можливе відхилення від оптимуму (MIP gap)",
        "plan_caveat": "Застереження",
        "plan_caveat_text": (
            "Потребу розраховано за плановими припущеннями, а не за юридичним нормативом (див. «Методика»)."
        ),
        "plan_sheet": "План фінансування",
        "role_social_work_specialist": "Фахівець із соціальної роботи",
        "role_social_worker": "Соціальний працівник",
        "role_plural_social_work_specialist": "фахівці із соц. роботи",
        "role_plural_social_worker": "соціальні працівники",
        "role_plural_psychologist": "психологи",
        "role_psychologist": "Психолог",
        "role_case_manager": "Фахівець із супроводу (кейс-менеджер)",
        "role_children_services_specialist": "Фахівець служби у справах дітей",
        "role_other": "Інша посада",
        "sheet_summary": "Україна та області",
        "sheet_summary_about": "Україна загалом і кожна область",
        "sheet_raion": "Райони",
        "sheet_raion_about": "Таблиця розривів за районами",
        "sheet_hromada": "Громади",
        "sheet_hromada_about": "Повна таблиця розривів за громадами",
        "sheet_funding": "План фінансування",
        "sheet_funding_about": "Які посади профінансувати першими в межах бюджету",
        "sheet_assumptions": "Припущення",
        "sheet_assumptions_about": "Кожен параметр планування: значення, одиниця, джерело",
        "sheet_quality": "Якість даних",
        "sheet_quality_about": "Кожен вхідний файл і підсумок його перевірки",
        "sheet_issues": "Проблеми у файлах",
        "sheet_issues_about": "Кожна помилка, попередження і незіставлений рядок",
        "kind_units": "адміністративні одиниці",
        "kind_boundaries": "межі",
        "kind_population": "населення",
        "kind_idp": "ВПО",
        "kind_staffing": "штат",
        "kind_caseload": "навантаження",
        "kind_status": "статус території",
        "file_usable": "придатний",
        "file_not_usable": "непридатний",
        "issue_unmatched": "не зіставлено",
        "issue_error": "помилка",
        "issue_warning": "попередження",
        "issue_closest": "{value} (найближчі: {hint})",
        "issue_note": "примітка",
        "issue_left_out": (
            "{count} одиниць рівня громади без жодних даних (напр. окупований Крим) не показано на аркуші громад"
        ),
        "not_found": "Сторінку не знайдено",
        "funding_prompt": "Задайте бюджет і мету, потім натисніть «Розрахувати план»: тут з'явиться карта нових посад.",
        "amount_invalid": "«{field}»: потрібне число не менше 0, наприклад 20 000 000; введено «{value}».",
        "field_empty": "«{field}»: введіть число.",
        "field_not_number": "«{field}»: «{value}» — не число; введіть число, наприклад {example}.",
        "field_whole": "«{field}»: потрібне ціле число; введено {value}.",
        "field_out_of_range": "«{field}»: потрібне число {bounds}; введено {value}.",
        "field_between": "від {low} до {high}",
        "field_at_least": "не менше {low}",
        "assume_title": "Припущення, чинні в цій сесії",
        "assume_intro": (
            "Типові значення — у файлі data/assumptions.toml (з джерелами й поясненнями); "
            "змінити їх для своєї сесії можна на сторінці «Сценарії»."
        ),
        "assume_parameter": "Припущення",
        "assume_value": "Значення",
        "assume_unit": "Одиниця",
        "assume_norm": "Норматив",
        "assume_norm_children": "Норматив на дітей",
        "assume_idp_weight": "Вага ВПО",
        "assume_working_days": "Робочих днів на рік (WISN)",
        "assume_public_holidays": "Святкових днів",
        "assume_annual_leave_days": "Днів відпустки",
        "assume_sick_days": "Днів лікарняних",
        "assume_training_days": "Днів навчання",
        "assume_hours_per_day": "Годин на день",
        "assume_support_share": "Частка допоміжної роботи",
        "assume_hours_per_case": "Годин на випадок",
        "assume_case_families_sjo": "сім'ї у СЖО",
        "assume_case_low_income_families": "малозабезпечені сім'ї з дітьми",
        "assume_case_home_care_recipients": "отримувачі догляду вдома",
        "scenario_base": "База населення для потреби",
        "scenario_wisn_sjo_hours": "WISN, фахівці: годин на випадок СЖО (супровід)",
        "scenario_wisn_sjo_months": "WISN: тривалість супроводу СЖО, міс.",
        "scenario_wisn_home_care_hours": "WISN, соціальні працівники: годин на отримувача догляду вдома на рік",
        "map_occupied": "Окупована територія (поза розрахунком)",
        "map_occupied_hover": "окупована територія: поза потребою, планами й рейтингом",
        "base_option_present": "Наявне населення: кожна ВПО один раз, окуповані громади поза розрахунком (типово)",
        "base_option_residents_plus_idp": "Мешканці + ВПО (верхня межа: ВПО враховано двічі)",
        "base_option_pre_war": "Мешканці на 1 січня 2022 р. (довоєнні)",
        "assume_case_flow": "випадків за рік",
        "assume_case_stock": "відкриті випадки, у середньому {months} міс.",
        "assume_additional": "Додаткова діяльність (IAS)",
        "unit_hours_per_case": "годин на випадок",
        "unit_hours_a_year_each": "годин на рік на особу",
        "assume_cost": "Річна вартість посади",
        "assume_caseload_max": "Найбільше випадків на працівника",
        "assume_priority_weight": "Вага в індексі пріоритетності",
        "assume_priority_gap_per_10k": "дефіцит на 10 тис. мешканців",
        "assume_priority_idp_share": "частка ВПО",
        "assume_priority_no_psychologist": "немає психолога",
        "assume_priority_caseload_per_worker": "випадків на працівника",
        "unit_per_10k_people": "посад на 10 тис. осіб",
        "unit_per_10k_children": "посад на 10 тис. дітей",
        "unit_residents_per_idp": "мешканців на одну ВПО",
        "unit_days_a_year": "днів на рік",
        "unit_hours": "годин",
        "unit_hours_a_year": "годин на рік",
        "unit_uah_a_year": "грн на рік",
        "unit_cases": "випадків",
        "dropdown_search": "Пошук",
        "dropdown_clear_search": "Очистити пошук",
        "dropdown_clear_selection": "Очистити вибір",
        "dropdown_no_options_found": "Нічого не знайдено",
        "dropdown_select_all": "Вибрати всі",
        "dropdown_deselect_all": "Зняти всі",
        "table_filter": "фільтр…",
        "caption_level_oblast": "за областями",
        "caption_level_raion": "за районами",
        "caption_level_hromada": "за громадами",
        "caption_as_of": "Дані: {items}",
        "caption_sources": "Джерела",
        "caption_synthetic": "синтетичні (демо)",
        "input_population": "населення",
        "input_idp": "ВПО",
        "input_staffing": "кадри",
        "input_caseload": "випадки",
        "input_boundaries": "межі",
        "store_lost": (
            "База опублікованих даних зараз недоступна: показано дані, прочитані з неї востаннє. Нічого не записано."
        ),
        "store_published": "Опубліковані дані",
        "store_synthetic": "синтетичні",
        "store_published_note": "Ці дані бачать усі користувачі. Версія, що використовується, позначена «чинна».",
        "store_publish": "Опублікувати завантажений файл",
        "store_period": "Звітний період (2025-Q2 або 2025-04-30)",
        "store_publish_button": "Опублікувати",
        "store_retract": "Відкликати публікацію №",
        "store_retract_button": "Відкликати",
        "store_reason": "Причина",
        "store_audit": "Журнал змін",
        "store_audit_download": "Завантажити журнал (.csv)",
        "store_nothing_uploaded": "Спершу завантажте файл, що пройшов перевірку.",
        "store_not_allowed": "Публікувати й відкликати можуть лише аналітики та адміністратори.",
        "store_published_ok": "Опубліковано: {what}.",
        "store_unchanged": "Файл не відрізняється від чинної версії: нічого не опубліковано.",
        "store_retracted_ok": "Відкликано №{id}; чинна знову попередня версія (якщо вона є).",
        "store_id": "№",
        "store_period_col": "Період",
        "store_kind": "Що",
        "store_version": "Версія",
        "store_state": "Стан",
        "store_rows": "Рядків",
        "store_published_by": "Хто",
        "store_published_at": "Коли",
        "store_source": "Джерело",
        "store_current": "чинна",
        "store_superseded": "замінена",
        "store_retracted": "відкликана",
        "store_at": "Коли",
        "store_actor": "Хто",
        "store_action": "Дія",
        "store_target": "Що",
        "store_detail": "Подробиці",
        "period_select": "Період",
        "period_latest": "{period} (найновіші)",
        "period_compare": "Порівняти з",
        "period_compare_none": "не порівнювати",
        "period_change_caption": "Зміна з {before} до {after}",
        "period_change_none": "Щоб побачити зміну, виберіть період для порівняння.",
        "period_change_unavailable": (
            "Зміни між періодами показує опублікована база даних (python app.py без --data); ці дані мають один період."
        ),
        "period_export": "Період",
        "trend_title": "Динаміка за періодами",
        "trend_oblasts": "Динаміка областей: {metric}",
        "trend_none": "Динаміка з'явиться, коли буде опубліковано більше одного періоду.",
        "setting_failed": "Зміну не збережено: {reason}. Діють попередні припущення.",
        "data_expired": "Завантажені вами дані видалено після {hours} год без використання; показано демо-дані.",
        "bad_input": "Запит не виконано: {reason}.",
        # scenarios page
        "scenario_intro": "Змініть припущення та вхідні дані для цієї сесії; «До» — типові припущення, «Після» — ваші.",
        "scenario_norm": "Норматив, посад на 10 тис. осіб",
        "scenario_idp_weight": "Вага ВПО (1 = як мешканець)",
        "scenario_working_days": "Робочих днів на рік (WISN)",
        "scenario_hours_per_day": "Годин на день (WISN)",
        "scenario_cost": "Річна вартість посади, грн",
        "scenario_idp_change": "Зміна кількості ВПО, %",
        "scenario_area": "Де",
        "scenario_all": "Уся Україна",
        "scenario_apply": "Застосувати",
        "scenario_reset": "Скинути до типових",
        "scenario_level": "Рівень",
        "scenario_measure": "Показник",
        "scenario_before": "До",
        "scenario_after": "Після",
        "scenario_change": "Зміна",
        "scenario_applied": "Сценарій застосовано до цієї сесії.",
        "scenario_defaults": "Типові припущення.",
        "scenario_name": "Назва",
        "scenario_download": "Завантажити порівняння (.xlsx)",
        "scenario_priority_weight": "Вага в індексі пріоритетності",
        "scenario_min_components": "Мінімум складових для рейтингу (0–4)",
        # funding page
        "funding_budget": "Бюджет програми, грн",
        "funding_objective": "Мета",
        "funding_coverage": (
            "Обслужити якомога більше людей за нормативом (кожна наступна посада в громаді важить менше)"
        ),
        "funding_equity": "Спершу найгірше забезпечені громади (відносний дефіцит)",
        "funding_lifted": "Якомога більше громад без жодного працівника отримують першого",
        "funding_measure": "Для «найгірше забезпечених»: показник",
        "funding_norm": "працівники / потреба за нормативом на 10 000",
        "funding_wisn": "коефіцієнт WISN",
        "funding_options": "Обмеження",
        "funding_min_one": "Щонайменше один працівник там, де немає жодного",
        "funding_include_occupied": "Включити окуповані громади (типово — ні)",
        "funding_exclude_hostilities": "Виключити громади територій бойових дій",
        "funding_no_vacancies": "Не заповнювати спершу вакантні посади",
        "funding_served_children": "Потреба рахується на дітей (норматив на 10 тис. дітей)",
        "funding_years": "Років програми (1–5)",
        "funding_hromada_share": "Найбільша частка однієї громади, %",
        "funding_psychologist_share": "Найбільша частка психологів, %",
        "funding_oblast_caps": "Ліміти на область (рядок: код=грн)",
        "funding_status": "Статус",
        "funding_vacancies": "Вакансії",
        "funding_new_posts": "Нові",
        "funding_before": "До",
        "funding_after": "Після",
        "funding_why": "Чому",
        "funding_by_year": "За роками",
        "funding_served": "Додатково обслужено за нормативом",
        "funding_roles": "Посади, які можна фінансувати",
        "funding_run": "Розрахувати план",
        "funding_download": "Завантажити план (.xlsx)",
        "funding_spent": "Витрачено",
        "funding_positions": "посад",
        "funding_hromadas": "громад",
        "funding_exact": "Точний розв'язок (MILP)",
        "funding_greedy": "Жадібний алгоритм",
        "funding_objective_value": "значення мети",
        "funding_name": "Громада",
        "funding_oblast": "Область",
        "funding_role": "Посада",
        "funding_cost": "Вартість, грн",
        "funding_gap": "Дефіцит до плану",
        "funding_hint": (
            "Річна вартість посад — у сценаріях; одноразові витрати, передача громаді та вакансії — у файлі "
            "припущень ([funding]); розрахунок займає до кількох секунд."
        ),
        # data page
        "upload_population": "Населення",
        "upload_idp": "ВПО",
        "upload_staffing": "Штатна чисельність",
        "upload_caseload": "Випадки (СЖО)",
        "upload_boundaries": "Межі (COD-AB)",
        "upload_kind": "Що це за файл",
        "upload_sheet": "Аркуш (необов'язково)",
        "upload_drop": (
            "Перетягніть файл сюди або натисніть, щоб вибрати (.xlsx, .xls, .ods, .csv, .geojson, .gpkg, .zip)"
        ),
        "upload_ok": "Файл прийнято: дані оновлено.",
        "upload_rejected": "Файл не прийнято: поточні дані збережено. Виправте помилки й завантажте знову.",
        "upload_rows": "рядків прочитано",
        "upload_matched": "зіставлено",
        "upload_level": "рівень",
        "upload_errors": "Помилки",
        "upload_warnings": "Попередження",
        "upload_unmatched": "Незіставлені рядки та найближчі варіанти",
        "upload_kind_count": "{message} (таких — {count})",
        "upload_more_issues": (
            "У таблиці — перші {first} кожного виду: {shown} з {total}. Усі {total} — на аркуші «{sheet}» "
            "завантаження «{workbook}»."
        ),
        "upload_more_issues_rejected": (
            "У таблиці — перші {first} кожного виду: {shown} з {total}. Файл не прийнято, тож у звіті його немає; "
            "усі {total} перелічує команда «python app.py validate» для цього файла."
        ),
        "upload_row": "Рядок",
        "upload_column": "Стовпець",
        "upload_message": "Повідомлення",
        "upload_value": "Значення",
        "upload_suggestions": "Можливо, мали на увазі",
        "upload_in_use": "Дані, що використовуються",
        "upload_source": "Джерело",
        "upload_date": "Дата",
        "upload_reset": "Повернутися до демо-даних",
        "upload_totals": "Підсумки",
        "upload_header_row": "Рядок заголовка (необов'язково)",
        "upload_columns": "Стовпці (необов'язково): поле=заголовок або літера; через «;»",
        "upload_mode": "Таблиця охоплює частину країни",
        "upload_update": "оновити лише її одиниці (типово)",
        "upload_replace": "замінити всю таблицю",
        "upload_changed": "Що змінилося",
        "upload_reporting": "{kind}: {units} одиниць у файлі; тепер звітують {reporting} з {total} громад (з Києвом)",
    },
    "en": {
        "title": "Social Service Workforce Atlas of Ukraine",
        "subtitle": "Community social workers against residents and IDPs",
        "nav_overview": "Overview",
        "nav_map": "Map",
        "nav_profile": "Hromada profile",
        "nav_scenarios": "Scenarios",
        "nav_funding": "Funding",
        "nav_data": "Data",
        "nav_method": "Method",
        "language": "Українською",
        "level": "Level",
        "oblast": "Oblasts",
        "raion": "Raions",
        "hromada": "Hromadas",
        "metric": "Metric",
        "reset": "All Ukraine",
        "search": "Find a hromada",
        "search_placeholder": "Hromada name in Ukrainian or English",
        "download": "Download table (.xlsx)",
        "ukraine": "Ukraine",
        "no_data": "no data",
        "coverage_partial": "partial: {reporting} of {total}",
        "upload_cells": "Cell signs (optional): sign=zero, unknown or not applicable, separated by ';'",
        "upload_cells_help": (
            "By default as in State Statistics tables: '–' = zero; '…', 'н/д', 'n/a' = not available; "
            "'х' = not applicable (counted as zero). For example: –=unknown; н/д=zero"
        ),
        "upload_cells_invalid": "cell signs: expected sign=zero, unknown or not applicable, got {part}",
        "upload_cells_example": "–=unknown; н/д=zero",
        "upload_header_row_invalid": "header row must be a row number from 1, got {value}",
        "upload_columns_invalid": "columns: expected field=header or letter, got {part}",
        "coverage_kind": "{kind}: {note}",
        "coverage_label": "Coverage: {kind}",
        "coverage_none": "no table of this kind: every figure from it is 'no data', never zero",
        "coverage_cover": (
            "{note}; national and oblast sums and ratios are of the reporting hromadas only; "
            "hromadas without data are not counted as zero"
        ),
        "cover_dataset": "Dataset",
        "cover_manifest": "Manifest",
        "cover_period": "Period",
        "cover_reference_date": "Reference date: {kind}",
        "cover_norm": "Norm",
        "cover_norm_text": "{norm} community social workers per 10,000 residents; IDP weight {weight}",
        "cover_population_base": "Population base of need",
        "base_name_present": (
            "present population: 2022 residents less the IDPs who left, plus the IDPs living here; occupied hromadas "
            "left out"
        ),
        "base_name_residents_plus_idp": "residents plus IDPs (an upper bound: the displaced are counted twice)",
        "base_name_pre_war": "residents on 1 Jan 2022",
        "cover_boundaries": "Boundaries",
        "cover_boundaries_approximate": "approximate, not the official hromada boundaries",
        "cover_boundaries_given": "as given in the dataset",
        "cover_estimated": "Estimated: {kind}",
        "cover_estimated_text": (
            "{count} of {total} hromada-level units: split from oblast or raion figures (disaggregation) or marked "
            "estimated in the file"
        ),
        "cover_source": "Source: {kind}",
        "cover_scenario": "Scenario",
        "cover_scenario_base": "base: the assumptions file",
        "cover_assumptions_file": "Assumptions file",
        "cover_generated": "Generated at",
        "cover_no_data": "No data",
        "cover_no_data_text": "A blank cell means 'no data', never zero. KATOTTG codes are stored as text.",
        "cover_sheet": "Sheet: {sheet}",
        "cover_title_gaps": "Social service workforce atlas of Ukraine: gap tables",
        "cover_title_shown": "Social service workforce atlas of Ukraine: the table as shown",
        "cover_level": "Level",
        "cover_metric": "Metric",
        "cover_oblast": "Oblast",
        "cover_all_ukraine": "all Ukraine",
        "cover_filter": "Filter",
        "cover_none": "none",
        "cover_sorted": "Sorted by",
        "cover_rows": "Rows",
        "cli_allocate_head": "Budget {budget} UAH for {years} year(s); objective {objective}: ",
        "cli_objective_coverage": "people served to the norm, with a diminishing value per extra position (maximise)",
        "cli_objective_norm": "lowest ratio of community social workers to the norm's need (maximise)",
        "cli_objective_wisn": "lowest WISN ratio of community social workers (maximise)",
        "cli_objective_lifted": "hromadas lifted from no community social worker (maximise)",
        "cli_allocate_exact": (
            "Exact (MILP): {positions} positions ({vacancies} vacancies filled, {new} new posts) in {hromadas} "
            "hromadas, {spent} UAH (by year: {by_year}); objective {value}; people served to the norm +{served} "
            "({seconds} s)"
        ),
        "cli_allocate_greedy": (
            "Greedy:       {positions} positions, {spent} UAH; objective {value}; people served +{served}"
        ),
        "cli_allocate_more": "... and {rows} more rows (use --out FILE.xlsx or --json)",
        "cli_column_code": "code",
        "cli_column_name": "hromada",
        "cli_column_role": "role",
        "cli_column_positions": "positions",
        "cli_column_cost": "cost, UAH",
        "cli_column_why": "why",
        "cli_wrote": "Wrote {path}",
        "profile_priority": "Priority for donors: {rank} of {total}",
        "profile_priority_title": "Priority for donors",
        "priority_component_gap_per_10k": "gap per 10,000",
        "priority_component_idp_share": "IDP share",
        "priority_component_no_psychologist": "no psychologist",
        "priority_component_caseload_per_worker": "cases per worker",
        "profile_not_ranked": "Not ranked: too few of the priority components are known.",
        "full_workbook": "Full workbook (.xlsx)",
        "level_word_oblast": "oblast",
        "level_word_raion": "raion",
        "yes": "yes",
        "no": "no",
        "name": "Name",
        "population": "Residents",
        "idp": "IDPs",
        "workers": "Social workers",
        "psychologists": "Psychologists",
        "positions": "Approved positions",
        "gap": "Gap, positions",
        "hromadas_no_worker": "Hromadas without a social worker",
        "hromadas_no_psychologist": "Hromadas without a psychologist",
        "approximate": (
            "Hromada boundaries are approximate (demo): built from GeoNames settlement locations, "
            "not official boundaries. Load COD-AB files to show official boundaries (see README)."
        ),
        "estimated": "* Hromada IDP figures are estimated by distributing IOM oblast estimates.",
        "estimated_children": (
            "* Children 0–17 are estimated: the oblast's share of children (State Statistics, 1 January 2022) × "
            "the hromada's population base."
        ),
        "click_hint": "Click an oblast on the map to see its hromadas; click a hromada to see its profile.",
        "table_hint": "The table beside the map shows the same figures for readers who cannot tell colours apart.",
        "sheet": "Table",
        "oblast_ranking": "Oblast ranking",
        "profile_title": "Hromada profile",
        "profile_pick": "Pick a hromada on the map or with the search box.",
        "open_profile": "Open profile",
        "role": "Role",
        "approved": "Approved",
        "filled": "Filled",
        "compare_oblast": "Oblast",
        "compare_similar": "Similar hromadas (median)",
        "this_hromada": "This hromada",
        "figure": "Figure",
        "type": "Hromada type",
        "urban": "urban",
        "settlement": "settlement",
        "rural": "rural",
        "caseload_sjo": "Families in difficult life circumstances",
        "caseload_low_income": "Low-income families with children",
        "required": "Required by the norm, positions",
        "back_to_map": "Back to the map",
        "plan_budget": "Budget of the programme, UAH",
        "plan_years": "Years of the programme",
        "plan_cost_by_year": "Cost by year, UAH",
        "plan_vacancies": "Vacant posts filled",
        "plan_served": "People served to the norm, added",
        "plan_excluded_status": "Left out for territorial status",
        "plan_objective": "Objective",
        "plan_roles": "Roles that may be funded",
        "plan_constraints": "Constraints",
        "plan_assumptions": "Assumptions file",
        "plan_status": "Solver",
        "validate_ok": "OK",
        "validate_not_usable": "NOT USABLE",
        "validate_sheet": " [sheet {sheet}]",
        "validate_file": "{kind} {path}: {status}",
        "validate_unknown": "unknown",
        "validate_counts": (
            "  level: {level}; rows read: {rows}; matched: {matched}; unmatched: {unmatched}; errors: {errors}; "
            "warnings: {warnings}"
        ),
        "validate_totals": "  totals: {totals}",
        "validate_closest": " (closest: {names})",
        "validate_unmatched": "  unmatched row {row}: {value}{hint}",
        "validate_row": "row {row}",
        "validate_whole_file": "file",
        "validate_in_sheet": "sheet {sheet} {where}",
        "validate_in_column": "{where}, column {column}",
        "validate_error": "  error: {where}: {message}",
        "validate_warning": "  warning: {where}: {message}",
        "validate_all": "{status}: {usable} of {files} file(s) usable",
        "validate_all_ok": "OK",
        "validate_all_not_ok": "NOT OK",
        "column_with_header": "{label} (in the file: '{header}')",
        "solver_optimal": "Optimal allocation found.",
        "solver_time_limit": (
            "The solver ran out of time: the best allocation found is shown (it may not be optimal)."
        ),
        "solver_time_limit_gap": (
            "The solver ran out of time: the best allocation found is shown (it may not be optimal). "
            "It is at most {gap} % from the optimum (MIP gap)."
        ),
        "solver_no_solution": "No solution was found in time; raise the time limit.",
        "solver_no_data": "No hromada has a known population and staffing: nothing to allocate.",
        "solver_no_budget": "The budget is 0 UAH: nothing can be funded.",
        "solver_no_gap": "No hromada has a gap to the norm for the roles chosen: nothing to fund.",
        "solver_infeasible_unreachable": (
            "A minimum of one worker is asked for, but of the hromadas without a community social worker ({forced}) "
            "{unreachable} cannot get one: no community role may be funded there (check the roles and the norms)."
        ),
        "solver_infeasible_budget": (
            "Giving one position to each hromada without a community social worker ({forced} hromadas) needs at "
            "least {least} UAH; the budget is {budget} UAH."
        ),
        "solver_infeasible_caps": (
            "The constraints cannot all be met: the minimum of one worker per hromada does not fit within the "
            "per-oblast caps and the share caps."
        ),
        "solver_left_out_status": (
            "Hromadas left out for their territorial status ({status}): {count} (the planner may include them)."
        ),
        "solver_left_out_population": "Hromadas left out, their population or staffing not known: {count}.",
        "solver_left_out_children": "Hromadas left out, their children or staffing not known: {count}.",
        "solver_residents_only": (
            "Hromadas with no IDP figure, their need counting residents only (a lower bound): {count}."
        ),
        "solver_no_idp_base": (
            "Hromadas with no IDP figure (oblasts {oblasts}), their population base counting no hosted IDPs "
            "(a lower bound): {count}."
        ),
        "solver_hostilities": "Hromadas planned for on the list of territories of hostilities (flagged): {count}.",
        "plan_spent": "Spent, UAH",
        "plan_positions": "Positions (vacancies + new)",
        "plan_hromadas": "Hromadas with positions of the plan",
        "plan_objective_value": "Objective value (exact)",
        "plan_greedy": "Greedy baseline: positions / UAH / objective value",
        "plan_mip_gap": "Possible distance from the optimum (MIP gap)",
        "plan_caveat": "Caveat",
        "plan_caveat_text": (
            "Need is computed from planning assumptions, not from a legal standard (see the method page)."
        ),
        "plan_sheet": "Funding plan",
        "role_social_work_specialist": "Social work specialist",
        "role_social_worker": "Social worker",
        "role_plural_social_work_specialist": "social work specialists",
        "role_plural_social_worker": "social workers",
        "role_plural_psychologist": "psychologists",
        "role_psychologist": "Psychologist",
        "role_case_manager": "Case manager",
        "role_children_services_specialist": "Children's services specialist",
        "role_other": "Other",
        "sheet_summary": "Ukraine and oblasts",
        "sheet_summary_about": "Ukraine and oblasts",
        "sheet_raion": "Raions",
        "sheet_raion_about": "The gap table by raion",
        "sheet_hromada": "Hromadas",
        "sheet_hromada_about": "The full gap table by hromada",
        "sheet_funding": "Funding plan",
        "sheet_funding_about": "Which positions to fund first within the budget",
        "sheet_assumptions": "Assumptions",
        "sheet_assumptions_about": "Every planning parameter: value, unit, source",
        "sheet_quality": "Data quality",
        "sheet_quality_about": "Each input file and its validation summary",
        "sheet_issues": "File issues",
        "sheet_issues_about": "Every error, warning and unmatched row",
        "kind_units": "administrative units",
        "kind_boundaries": "boundaries",
        "kind_population": "population",
        "kind_idp": "IDPs",
        "kind_staffing": "staffing",
        "kind_caseload": "caseload",
        "kind_status": "territorial status",
        "file_usable": "usable",
        "file_not_usable": "not usable",
        "issue_unmatched": "unmatched",
        "issue_error": "error",
        "issue_warning": "warning",
        "issue_closest": "{value} (closest: {hint})",
        "issue_note": "note",
        "issue_left_out": (
            "{count} hromada-level units with no figure at all (e.g. occupied Crimea) are left out of the hromada sheet"
        ),
        "not_found": "Page not found",
        "funding_prompt": (
            "Set a budget and an objective, then press “Make the plan”: the map of new positions shows here."
        ),
        "amount_invalid": "“{field}”: a number of at least 0 is needed, e.g. 20,000,000; got “{value}”.",
        "field_empty": "“{field}”: enter a number.",
        "field_not_number": "“{field}”: “{value}” is not a number; enter a number such as {example}.",
        "field_whole": "“{field}”: a whole number is needed; got {value}.",
        "field_out_of_range": "“{field}”: a number {bounds} is needed; got {value}.",
        "field_between": "from {low} to {high}",
        "field_at_least": "of at least {low}",
        "assume_title": "Assumptions in use in this session",
        "assume_intro": (
            "The defaults are in data/assumptions.toml (with sources and reasons); "
            "change them for your session on the Scenarios page."
        ),
        "assume_parameter": "Assumption",
        "assume_value": "Value",
        "assume_unit": "Unit",
        "assume_norm": "Norm",
        "assume_norm_children": "Norm per children",
        "assume_idp_weight": "IDP weight",
        "assume_working_days": "Working days a year (WISN)",
        "assume_public_holidays": "Public holidays",
        "assume_annual_leave_days": "Annual leave days",
        "assume_sick_days": "Sick days",
        "assume_training_days": "Training days",
        "assume_hours_per_day": "Hours a day",
        "assume_support_share": "Share of support work",
        "assume_hours_per_case": "Hours per case",
        "assume_case_families_sjo": "families in difficult life circumstances",
        "assume_case_low_income_families": "low-income families with children",
        "assume_case_home_care_recipients": "home-care recipients",
        "scenario_base": "Population base of need",
        "scenario_wisn_sjo_hours": "WISN, specialists: hours per СЖО family episode (social support)",
        "scenario_wisn_sjo_months": "WISN: duration of СЖО support, months",
        "scenario_wisn_home_care_hours": "WISN, social workers: hours per home-care recipient a year",
        "map_occupied": "Occupied territory (left out)",
        "map_occupied_hover": "occupied territory: left out of need, plans and the ranking",
        "base_option_present": "Present population: each IDP once, occupied hromadas left out (default)",
        "base_option_residents_plus_idp": "Residents + IDPs (an upper bound: IDPs counted twice)",
        "base_option_pre_war": "Residents on 1 January 2022 (pre-war)",
        "assume_case_flow": "cases a year",
        "assume_case_stock": "open cases, {months} months on average",
        "assume_additional": "Additional activity (IAS)",
        "unit_hours_per_case": "hours per case",
        "unit_hours_a_year_each": "hours a year per person",
        "assume_cost": "Annual cost of a position",
        "assume_caseload_max": "Most cases per worker",
        "assume_priority_weight": "Weight in the priority index",
        "assume_priority_gap_per_10k": "gap per 10,000 residents",
        "assume_priority_idp_share": "IDP share",
        "assume_priority_no_psychologist": "no psychologist",
        "assume_priority_caseload_per_worker": "cases per worker",
        "unit_per_10k_people": "positions per 10,000 people",
        "unit_per_10k_children": "positions per 10,000 children",
        "unit_residents_per_idp": "residents per IDP",
        "unit_days_a_year": "days a year",
        "unit_hours": "hours",
        "unit_hours_a_year": "hours a year",
        "unit_uah_a_year": "UAH a year",
        "unit_cases": "cases",
        "dropdown_search": "Search",
        "dropdown_clear_search": "Clear search",
        "dropdown_clear_selection": "Clear selection",
        "dropdown_no_options_found": "No match",
        "dropdown_select_all": "Select all",
        "dropdown_deselect_all": "Deselect all",
        "table_filter": "filter…",
        "caption_level_oblast": "by oblast",
        "caption_level_raion": "by raion",
        "caption_level_hromada": "by hromada",
        "caption_as_of": "Data: {items}",
        "caption_sources": "Sources",
        "caption_synthetic": "synthetic (demo)",
        "input_population": "residents",
        "input_idp": "IDPs",
        "input_staffing": "staff",
        "input_caseload": "cases",
        "input_boundaries": "boundaries",
        "store_lost": (
            "The database of published data cannot be reached: showing the data last read from it. Nothing was written."
        ),
        "store_published": "Published data",
        "store_synthetic": "synthetic",
        "store_published_note": "Every user sees these. The version in use is marked 'current'.",
        "store_publish": "Publish the uploaded file",
        "store_period": "Reference period (2025-Q2 or 2025-04-30)",
        "store_publish_button": "Publish",
        "store_retract": "Retract publication no.",
        "store_retract_button": "Retract",
        "store_reason": "Reason",
        "store_audit": "Audit log",
        "store_audit_download": "Download the log (.csv)",
        "store_nothing_uploaded": "Upload a file that passes validation first.",
        "store_not_allowed": "Only analysts and admins may publish and retract.",
        "store_published_ok": "Published: {what}.",
        "store_unchanged": "The file is the same as the current version: nothing was published.",
        "store_retracted_ok": "Retracted no. {id}; the version before it (if any) is current again.",
        "store_id": "No.",
        "store_period_col": "Period",
        "store_kind": "What",
        "store_version": "Version",
        "store_state": "State",
        "store_rows": "Rows",
        "store_published_by": "By",
        "store_published_at": "When",
        "store_source": "Source",
        "store_current": "current",
        "store_superseded": "superseded",
        "store_retracted": "retracted",
        "store_at": "When",
        "store_actor": "Who",
        "store_action": "Action",
        "store_target": "What",
        "store_detail": "Details",
        "period_select": "Period",
        "period_latest": "{period} (latest)",
        "period_compare": "Compare with",
        "period_compare_none": "no comparison",
        "period_change_caption": "Change from {before} to {after}",
        "period_change_none": "Choose a period to compare with to see the change.",
        "period_change_unavailable": (
            "Changes between periods come from the published store (python app.py without --data); "
            "these data have one period."
        ),
        "period_export": "Period",
        "trend_title": "Trend over periods",
        "trend_oblasts": "Oblasts over time: {metric}",
        "trend_none": "The trend appears once more than one period is published.",
        "setting_failed": "The change was not kept: {reason}. The previous assumptions still apply.",
        "data_expired": "Your uploaded data was deleted after {hours} h without use; the demo data is shown.",
        "bad_input": "Request not done: {reason}.",
        # scenarios page
        "scenario_intro": "Change assumptions and inputs for this session; “Before” uses the defaults, “After” yours.",
        "scenario_norm": "Norm, positions per 10,000 people",
        "scenario_idp_weight": "IDP weight (1 = as a resident)",
        "scenario_working_days": "Working days a year (WISN)",
        "scenario_hours_per_day": "Hours a day (WISN)",
        "scenario_cost": "Annual cost of a position, UAH",
        "scenario_idp_change": "Change in IDPs, %",
        "scenario_area": "Where",
        "scenario_all": "All Ukraine",
        "scenario_apply": "Apply",
        "scenario_reset": "Reset to defaults",
        "scenario_level": "Level",
        "scenario_measure": "Measure",
        "scenario_before": "Before",
        "scenario_after": "After",
        "scenario_change": "Change",
        "scenario_applied": "The scenario applies to this session.",
        "scenario_defaults": "Default assumptions.",
        "scenario_name": "Name",
        "scenario_download": "Download the comparison (.xlsx)",
        "scenario_priority_weight": "Weight in the priority index",
        "scenario_min_components": "Fewest components to be ranked (0-4)",
        # funding page
        "funding_budget": "Budget of the programme, UAH",
        "funding_objective": "Objective",
        "funding_coverage": (
            "Serve as many people as possible to the norm (each extra position in a hromada counts less)"
        ),
        "funding_equity": "Lift the worst-off hromadas first (relative shortage)",
        "funding_lifted": "As many hromadas with no worker as possible get their first",
        "funding_measure": "For “worst-off”: measure",
        "funding_norm": "workers / need by the norm per 10,000",
        "funding_wisn": "WISN ratio",
        "funding_options": "Constraints",
        "funding_min_one": "At least one worker where there is none",
        "funding_include_occupied": "Include occupied hromadas (default: no)",
        "funding_exclude_hostilities": "Leave out hromadas of hostilities",
        "funding_no_vacancies": "Do not fill vacant posts first",
        "funding_served_children": "Need counts children (the norm per 10,000 children)",
        "funding_years": "Years of the programme (1-5)",
        "funding_hromada_share": "Largest share of one hromada, %",
        "funding_psychologist_share": "Largest share of psychologists, %",
        "funding_oblast_caps": "Caps per oblast (a line: code=UAH)",
        "funding_status": "Status",
        "funding_vacancies": "Vacancies",
        "funding_new_posts": "New",
        "funding_before": "Before",
        "funding_after": "After",
        "funding_why": "Why",
        "funding_by_year": "By year",
        "funding_served": "People served to the norm, added",
        "funding_roles": "Roles that may be funded",
        "funding_run": "Make the plan",
        "funding_download": "Download the plan (.xlsx)",
        "funding_spent": "Spent",
        "funding_positions": "positions",
        "funding_hromadas": "hromadas",
        "funding_exact": "Exact (MILP)",
        "funding_greedy": "Greedy",
        "funding_objective_value": "objective value",
        "funding_name": "Hromada",
        "funding_oblast": "Oblast",
        "funding_role": "Role",
        "funding_cost": "Cost, UAH",
        "funding_gap": "Gap before the plan",
        "funding_hint": (
            "Annual position costs are set on the Scenarios page; one-off costs, hand-over and vacancies in "
            "the assumptions file ([funding]); the plan takes up to a few seconds."
        ),
        # data page
        "upload_population": "Population",
        "upload_idp": "IDPs",
        "upload_staffing": "Staffing",
        "upload_caseload": "Caseload",
        "upload_boundaries": "Boundaries (COD-AB)",
        "upload_kind": "What the file holds",
        "upload_sheet": "Sheet (optional)",
        "upload_drop": "Drag a file here or click to choose one (.xlsx, .xls, .ods, .csv, .geojson, .gpkg, .zip)",
        "upload_ok": "File accepted: the data is updated.",
        "upload_rejected": "File not accepted: the data in use is kept. Fix the errors and upload again.",
        "upload_rows": "rows read",
        "upload_matched": "matched",
        "upload_level": "level",
        "upload_errors": "Errors",
        "upload_warnings": "Warnings",
        "upload_unmatched": "Unmatched rows and the closest candidates",
        "upload_kind_count": "{message} ({count} like this)",
        "upload_more_issues": (
            "The table lists the first {first} of each kind: {shown} of {total}. All {total} are in the sheet "
            "'{sheet}' of the '{workbook}' download."
        ),
        "upload_more_issues_rejected": (
            "The table lists the first {first} of each kind: {shown} of {total}. The file was not accepted, so no "
            "workbook has it; 'python app.py validate' on the file lists all {total}."
        ),
        "upload_row": "Row",
        "upload_column": "Column",
        "upload_message": "Message",
        "upload_value": "Value",
        "upload_suggestions": "Did you mean",
        "upload_in_use": "Data in use",
        "upload_source": "Source",
        "upload_date": "Reference date",
        "upload_reset": "Back to the demo data",
        "upload_totals": "Totals",
        "upload_header_row": "Header row (optional)",
        "upload_columns": "Columns (optional): field=header or letter, separated by ';'",
        "upload_mode": "A table covering part of the country",
        "upload_update": "update only its units (default)",
        "upload_replace": "replace the whole table",
        "upload_changed": "What changed",
        "upload_reporting": "{kind}: {units} units in the file; {reporting} of {total} hromadas (with Kyiv) now report",
    },
}

#: Map metrics: label and unit per language, colour scale and decimals.
METRIC_LABELS: dict[str, dict] = {
    "workers_per_10k": {
        "unit": {"uk": "на 10 тис.", "en": "per 10,000"},
        "scale": "sequential",
        "decimals": 2,
    },
    "workers_per_10k_incl_idp": {
        "unit": {"uk": "на 10 тис.", "en": "per 10,000"},
        "scale": "sequential",
        "decimals": 2,
    },
    "residents_per_worker": {
        "unit": {"uk": "осіб", "en": "persons"},
        "scale": "sequential_reversed",
        "decimals": 0,
    },
    "gap_fte": {
        "unit": {"uk": "посад", "en": "positions"},
        "scale": "diverging",
        "decimals": 1,
    },
    "gap_per_10k": {
        "unit": {"uk": "посад на 10 тис.", "en": "positions per 10,000"},
        "scale": "diverging",
        "decimals": 2,
    },
    "workers": {
        "unit": {"uk": "осіб", "en": "persons"},
        "scale": "sequential",
        "decimals": 0,
    },
    "population": {
        "unit": {"uk": "осіб", "en": "persons"},
        "scale": "sequential",
        "decimals": 0,
    },
    "idp": {
        "unit": {"uk": "осіб", "en": "persons"},
        "scale": "sequential",
        "decimals": 0,
    },
    "workers_per_10k_children": {
        "unit": {"uk": "на 10 тис. дітей", "en": "per 10,000 children"},
        "scale": "sequential",
        "decimals": 2,
    },
    "children_per_worker": {
        "unit": {"uk": "дітей", "en": "children"},
        "scale": "sequential_reversed",
        "decimals": 0,
    },
    "children_gap_fte": {
        "unit": {"uk": "посад", "en": "positions"},
        "scale": "diverging",
        "decimals": 1,
    },
    # change between two periods (metrics.change): diverging, zero neutral
    "delta_workers": {
        "unit": {"uk": "осіб", "en": "persons"},
        "scale": "diverging",
        "decimals": 0,
    },
    "delta_workers_per_10k": {
        "unit": {"uk": "на 10 тис.", "en": "per 10,000"},
        "scale": "diverging",
        "decimals": 2,
    },
    "delta_gap_fte": {
        "unit": {"uk": "посад", "en": "positions"},
        "scale": "diverging",
        "decimals": 1,
    },
    "delta_idp": {
        "unit": {"uk": "осіб", "en": "persons"},
        "scale": "diverging",
        "decimals": 0,
    },
}


#: Other quantities drawn on maps but not offered in the metric selector.
OTHER_MAP_VALUES: dict[str, dict] = {
    "change": {
        "unit": {"uk": "", "en": ""},
        "scale": "diverging",
        "decimals": 1,
    },
    "positions_funded": {
        "unit": {"uk": "посад", "en": "positions"},
        "scale": "sequential",
        "decimals": 0,
    },
}


#: Labels of every column and measure, name -> (Ukrainian, English): table headers, workbook
#: columns, map titles and legends all read them here (:func:`label`).
LABELS: dict[str, tuple[str, str]] = {
    "code": ("Код КАТОТТГ", "KATOTTG code"),
    "pcode": ("P-код (COD-AB)", "P-code (COD-AB)"),
    "name_uk": ("Назва", "Name (uk)"),
    "name_en": ("Назва (англ.)", "Name"),
    "oblast_code": ("Код області", "Oblast code"),
    "oblast_name": ("Область", "Oblast"),
    "raion_code": ("Код району", "Raion code"),
    "raion_name": ("Район", "Raion"),
    "hromada_type": ("Тип громади", "Hromada type"),
    "hromadas": ("Одиниць рівня громади (з Кримом)", "Hromada-level units (incl. Crimea)"),
    "hromadas_expected": ("Громад, що мають звітувати (без Криму)", "Hromadas expected to report (not Crimea)"),
    "population_reporting": ("Громад з даними про населення", "Hromadas with residents data"),
    "idp_reporting": ("Громад з даними про ВПО", "Hromadas with IDP data"),
    "staffing_reporting": ("Громад з даними про штат", "Hromadas with staffing data"),
    "caseload_reporting": ("Громад з даними про навантаження", "Hromadas with caseload data"),
    "coverage": ("Охоплення даними", "Data coverage"),
    "population": ("Населення", "Residents"),
    "population_estimated": ("Населення оцінено", "Residents estimated"),
    "idp": ("ВПО", "IDPs"),
    "idp_estimated": ("ВПО оцінено", "IDPs estimated"),
    "population_incl_idp": ("Населення з ВПО (зважено)", "Residents incl. IDPs (weighted)"),
    "idp_share": ("Частка ВПО", "IDP share"),
    "children": ("Діти 0–17", "Children 0–17"),
    "children_estimated": ("Дітей оцінено", "Children estimated"),
    "children_required_fte": ("Потреба за нормативом на дітей, посад", "Required by the children's norm, FTE"),
    "children_gap_fte": ("Дефіцит посад до нормативу на дітей", "Gap to the children's norm, positions"),
    "workers_per_10k_children": ("Працівників на 10 тис. дітей", "Workers per 10,000 children"),
    "children_per_worker": ("Дітей на одного працівника", "Children per worker"),
    "families_sjo": ("Сім'ї у СЖО", "Families in difficult life circumstances"),
    "low_income_families": ("Малозабезпечені сім'ї з дітьми", "Low-income families with children"),
    "cases": ("Випадків на рік", "Cases a year"),
    "caseload_per_worker": ("Випадків на працівника", "Cases per worker"),
    "workers": ("Соціальні працівники", "Social workers"),
    "approved_positions": ("Затверджені посади", "Approved positions"),
    "vacancies": ("Вакантні посади", "Vacant positions"),
    "vacancy_rate": ("Частка вакантних посад", "Vacancy rate"),
    "vacancy_rate_pct": ("Частка вакантних посад, %", "Vacancy rate, %"),
    "psychologists": ("Психологи", "Psychologists"),
    "staffing_estimated": ("Штат оцінено", "Staffing estimated"),
    "hromadas_no_social_worker": ("Громад без соціального працівника", "Hromadas without a social worker"),
    "hromadas_no_psychologist": ("Громад без психолога", "Hromadas without a psychologist"),
    "hromadas_caseload_above": ("Громад з навантаженням вище порогу", "Hromadas with caseload above the threshold"),
    "flag_no_social_worker": ("Немає соціального працівника", "No social worker"),
    "flag_no_psychologist": ("Немає психолога", "No psychologist"),
    "flag_caseload_above": ("Навантаження вище порогу", "Caseload above the threshold"),
    "workers_per_10k": ("Працівників на 10 тис. мешканців", "Workers per 10,000 residents"),
    "workers_per_10k_incl_idp": ("Працівників на 10 тис. мешканців з ВПО", "Workers per 10,000 residents incl. IDPs"),
    "workers_per_100k_children": ("Працівників на 100 тис. дітей", "Workers per 100,000 children"),
    "residents_per_worker": ("Мешканців на одного працівника", "Residents per worker"),
    "psychologists_per_100k": ("Психологів на 100 тис.", "Psychologists per 100,000"),
    "required_fte": ("Потреба за нормативом, посад", "Required by norm, FTE"),
    "gap_fte": ("Дефіцит посад до нормативу", "Gap to the norm, positions"),
    "shortfall_fte": ("Бракує посад (сума дефіцитів громад)", "Positions missing (sum of hromada gaps)"),
    "psychologist_required_fte": ("Потреба в психологах, посад", "Psychologists required, FTE"),
    "psychologist_gap_fte": ("Дефіцит психологів, посад", "Psychologist gap, FTE"),
    "wisn_required": ("Потреба за WISN, посад", "WISN required staff, FTE"),
    "wisn_difference": ("Різниця WISN (наявні − потрібні)", "WISN difference (actual − required)"),
    "wisn_ratio": ("Коефіцієнт WISN (наявні / потрібні)", "WISN ratio (actual / required)"),
    "wisn_shortfall": (
        "Бракує за WISN (сума за посадами й громадами)",
        "WISN shortfall (summed over roles and hromadas)",
    ),
    "home_care_recipients": ("Отримувачі догляду вдома", "Home-care recipients"),
    "priority_rank": ("Місце за пріоритетом", "Priority rank"),
    "priority_index": ("Індекс пріоритету (0–100)", "Priority index (0–100)"),
    "priority_reasons": ("Чому пріоритет", "Why a priority"),
    "hromada_name": ("Громада", "Hromada"),
    "role": ("Посада", "Role"),
    "role_gap_fte": ("Дефіцит за посадою до плану, посад", "Role gap before the plan, FTE"),
    "people": ("Людей (мешканці + ВПО з вагою)", "People (residents + weighted IDPs)"),
    "reason": ("Чому обрано", "Why chosen"),
    "positions": ("Посад за планом (вакансії + нові)", "Positions of the plan (vacancies + new)"),
    "vacancies_filled": ("Заповнено вакантних посад", "Vacant posts filled"),
    "new_posts": ("Нових посад", "New posts"),
    "territorial_status": ("Статус території", "Territorial status"),
    "cost": ("Вартість за програму, грн", "Cost of the programme, UAH"),
    "filled_before": ("Зайнято за посадою до", "Role filled before"),
    "filled_after": ("Зайнято за посадою після", "Role filled after"),
    "workers_per_10k_before": ("Працівників на 10 000 до", "Workers per 10,000 before"),
    "workers_per_10k_after": ("Працівників на 10 000 після", "Workers per 10,000 after"),
    "cumulative_cost": ("Наростаючим підсумком, грн", "Cumulative cost, UAH"),
    "workers_before": ("Соціальних працівників до", "Social workers before"),
    "workers_after": ("Соціальних працівників після", "Social workers after"),
    "gap_fte_before": ("Дефіцит до, посад", "Gap before, FTE"),
    "gap_fte_after": ("Дефіцит після, посад", "Gap after, FTE"),
    "people_per_worker_before": ("Людей на працівника до", "People per worker before"),
    "people_per_worker_after": ("Людей на працівника після", "People per worker after"),
    "wisn_ratio_before": ("Коефіцієнт WISN до", "WISN ratio before"),
    "wisn_ratio_after": ("Коефіцієнт WISN після", "WISN ratio after"),
    "parameter": ("Параметр", "Parameter"),
    "value": ("Значення", "Value"),
    "unit": ("Одиниця", "Unit"),
    "source": ("Джерело та обґрунтування", "Source and rationale"),
    "kind": ("Вид даних", "Kind of data"),
    "file": ("Файл", "File"),
    "sheet": ("Аркуш", "Sheet"),
    "level": ("Рівень даних", "Level of the figures"),
    "status": ("Стан", "Status"),
    "rows": ("Рядків прочитано", "Rows read"),
    "matched": ("Рядків зіставлено", "Rows matched"),
    "unmatched": ("Рядків не зіставлено", "Rows unmatched"),
    "errors": ("Помилок", "Errors"),
    "warnings": ("Попереджень", "Warnings"),
    "hromadas_with_figure": ("Громад із даними", "Hromadas with a figure"),
    "totals": ("Підсумки у файлі", "Totals in the file"),
    "reference_date": ("Дата, на яку дані", "Reference date"),
    "row": ("Рядок", "Row"),
    "column": ("Стовпець", "Column"),
    "severity": ("Важливість", "Severity"),
    "message": ("Опис", "Message"),
    "gap_per_10k": ("Дефіцит посад на 10 тис. мешканців", "Gap to the norm per 10,000 residents"),
    "period": ("Період", "Period"),
    "delta_workers": ("Зміна кількості працівників", "Change in workers"),
    "delta_workers_per_10k": (
        "Зміна кількості працівників на 10 тис. мешканців",
        "Change in workers per 10,000 residents",
    ),
    "delta_gap_fte": ("Зміна дефіциту посад", "Change in the gap to the norm"),
    "delta_idp": ("Зміна кількості ВПО", "Change in IDPs"),
    "change": ("Зміна", "Change"),
    "positions_funded": ("Профінансовано посад", "Positions funded"),
    # fields of the input tables (loaders.fields), as validation messages name them
    "name": ("Назва одиниці", "Unit name"),
    "oblast": ("Область", "Oblast"),
    "raion": ("Район", "Raion"),
    "hromada": ("Громада", "Hromada"),
    "estimated": ("Позначка оцінки", "Estimated flag"),
    "approved": ("Затверджено посад", "Approved positions"),
    "filled": ("Зайнято посад", "Filled positions"),
    "annual_cost": ("Річна вартість посади, грн", "Annual cost per position, UAH"),
    "population_children": ("Діти 0–17", "Children 0–17"),
    "population_urban": ("Міське населення", "Urban population"),
    "urban_share": ("Частка міського населення", "Urban share"),
    "idp_children": ("Діти ВПО", "IDP children"),
    "children_disabilities": ("Діти з інвалідністю", "Children with disabilities"),
    "open_cases": ("Відкриті випадки", "Open cases"),
}


def _generated_labels() -> dict[str, tuple[str, str]]:
    """Labels of the columns made per role and per year."""
    out = {}
    for role in ALL_ROLES:
        uk, en = TEXT["uk"][f"role_{role}"], TEXT["en"][f"role_{role}"]
        out[f"{role}_approved"] = (f"{uk}: затверджено посад", f"{en}: approved positions")
        out[f"{role}_filled"] = (f"{uk}: зайнято посад", f"{en}: filled positions")
        out[f"{role}_annual_cost"] = (f"{uk}: річна вартість посади, грн", f"{en}: annual cost per position, UAH")
        out[f"{role}_positions"] = (f"Нові посади: {uk}", f"New positions: {en}")
        out[f"{role}_wisn_required"] = (f"{uk}: потреба за WISN, посад", f"{en}: WISN required, FTE")
        out[f"{role}_wisn_ratio"] = (f"{uk}: коефіцієнт WISN", f"{en}: WISN ratio")
        out[f"{role}_wisn_shortfall"] = (f"{uk}: бракує за WISN, посад", f"{en}: WISN shortfall, FTE")
    for year in range(1, 6):
        out[f"cost_year_{year}"] = (f"Рік {year}, грн", f"Year {year}, UAH")
    return out


LABELS |= _generated_labels()


def label(name: str, lang: str = "uk") -> str:
    """The label of column or measure ``name`` in ``lang`` (the name itself when it has none)."""
    pair = LABELS.get(name)
    if pair is None:
        return name
    return pair[1] if lang == "en" else pair[0]


def column_text(column: str | None, header: str | None = None, lang: str = "uk") -> str:
    """A file's column as a user reads it: the field's label, then the file's own header when it had one.

    ``column`` is the field (``social_worker_filled``), ``header`` the header
    text of that column in the user's file: ``Соціальний працівник: зайнято
    посад (у файлі: «Соцпрацівники, зайнято»)``. Empty when there is no column.
    """
    if not column:
        return ""
    named = label(column, lang)
    if header and str(header).strip() and str(header).strip() != named:
        return t("column_with_header", lang, label=named, header=str(header).strip())
    return named


def metric_spec(metric: str) -> dict:
    """Label, unit, colour scale and decimals of a map value."""
    if metric in METRIC_LABELS:
        return METRIC_LABELS[metric]
    return OTHER_MAP_VALUES[metric]


def t(key: str, lang: str = "uk", **params) -> str:
    """The text ``key`` in ``lang`` (falls back to Ukrainian), with ``{name}`` fields filled from ``params``.

    Numbers among ``params`` are written in the language's format (a space
    groups thousands and a comma marks decimals in Ukrainian): pass
    preformatted strings for anything else.
    """
    text = TEXT.get(lang, TEXT["uk"]).get(key, TEXT["uk"][key])
    if not params:
        return text
    shown = {
        k: format_number(v, 0 if float(v).is_integer() else 1, lang)
        if isinstance(v, (int, float)) and not isinstance(v, bool)
        else v
        for k, v in params.items()
    }
    return text.format(**shown)


def plural_form(count: int, forms: tuple[str, str, str], lang: str = "uk") -> str:
    """The form of a noun for ``count``: Ukrainian one/few/many (1 громада, 3 громади, 11 громад), English one/other."""
    n = abs(int(count))
    if lang != "uk":
        return forms[0] if n == 1 else forms[2]
    if 11 <= n % 100 <= 14:
        return forms[2]
    return {1: forms[0], 2: forms[1], 3: forms[1], 4: forms[1]}.get(n % 10, forms[2])


def format_count(count: float, noun: str, lang: str = "uk") -> str:
    """``1 266 громад`` / ``1,266 hromadas``: a count with its noun from :data:`NOUNS`; NaN -> "no data"."""
    if count is None or (isinstance(count, float) and math.isnan(count)):
        return t("no_data", lang)
    forms = NOUNS[noun][lang if lang in NOUNS[noun] else "uk"]
    return f"{format_number(count, 0, lang)} {plural_form(int(count), forms, lang)}"


#: Nouns counted in sentences: one / few / many (English: one / - / other).
NOUNS: dict[str, dict[str, tuple[str, str, str]]] = {
    "hromada": {"uk": ("громада", "громади", "громад"), "en": ("hromada", "", "hromadas")},
    "oblast": {"uk": ("область", "області", "областей"), "en": ("oblast", "", "oblasts")},
    "raion": {"uk": ("район", "райони", "районів"), "en": ("raion", "", "raions")},
    "position": {"uk": ("посада", "посади", "посад"), "en": ("position", "", "positions")},
    "worker": {"uk": ("працівник", "працівники", "працівників"), "en": ("worker", "", "workers")},
    "row": {"uk": ("рядок", "рядки", "рядків"), "en": ("row", "", "rows")},
    # after "з" / "of" (genitive in Ukrainian: з 1 громади, з 3 громад, з 21 громади)
    "hromada_of": {"uk": ("громади", "громад", "громад"), "en": ("hromada", "", "hromadas")},
}


def coverage_note(reporting: float, expected: float, lang: str = "uk") -> str:
    """``часткові дані: 57 з 1 470 громад`` / ``partial: 57 of 1,470 hromadas`` for a figure of a unit whose
    table covers ``reporting`` of its ``expected`` member hromadas; "" when it covers all of them, or none
    (the figure itself is then "no data"), or either count is unknown."""
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (reporting, expected)):
        return ""
    if not 0 < int(reporting) < int(expected):
        return ""
    return t("coverage_partial", lang, reporting=int(reporting), total=format_count(int(expected), "hromada_of", lang))


def metric_label(metric: str, lang: str = "uk") -> str:
    """The label of a map metric in ``lang`` (the same words as its column header: :func:`label`)."""
    return label(metric, lang)


def other_lang(lang: str) -> str:
    """The other interface language (``uk`` <-> ``en``), for the language switch."""
    return LANGS[1] if lang == LANGS[0] else LANGS[0]


def name_column(lang: str) -> str:
    """The unit-table column holding names in ``lang``: ``name_uk`` or ``name_en``."""
    return f"name_{lang}" if lang in LANGS else "name_uk"


def role_label(role: str, lang: str = "uk") -> str:
    """The label of a workforce role in ``lang`` (``Фахівець із соціальної роботи``)."""
    return t(f"role_{role}", lang)


#: How numbers are written: decimal mark, thousands separator, and the space before a percent sign.
NUMBER_STYLE = {
    "uk": {"decimal": ",", "group": "\u00a0", "percent": "\u00a0%"},
    "en": {"decimal": ".", "group": ",", "percent": "%"},
}


def plotly_separators(lang: str = "uk") -> str:
    """Plotly's ``separators`` (decimal mark, then thousands separator) for ``lang``: ``", "`` / ``".,"``."""
    style = NUMBER_STYLE.get(lang, NUMBER_STYLE["uk"])
    return style["decimal"] + (" " if style["group"] == "\u00a0" else style["group"])


def format_percent(share: float | None, decimals: int = 0, lang: str = "uk") -> str:
    """A share (0.08) as a percentage in the language's format (``8 %`` / ``8%``); unknown -> "no data"."""
    if share is None or not math.isfinite(float(share)):
        return t("no_data", lang)
    return format_number(100 * float(share), decimals, lang) + NUMBER_STYLE.get(lang, NUMBER_STYLE["uk"])["percent"]


def parse_number(text: str, lang: str = "uk") -> float:
    """A number typed the language's way (``20 000 000,5`` uk, ``20,000,000.5`` en); raises ``ValueError``."""
    cleaned = str(text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    style = NUMBER_STYLE.get(lang, NUMBER_STYLE["uk"])
    if style["decimal"] == ",":
        cleaned = cleaned.replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    return float(cleaned)


def format_date(text, lang: str = "uk") -> str | None:
    """An ISO date (``2022-01-01``) as the language writes it: ``01.01.2022`` (uk), ``1 Jan 2022`` (en).

    None when ``text`` is not an ISO date (the caller shows it as it is).
    """
    try:
        day = _dt.date.fromisoformat(str(text))
    except ValueError:
        return None
    return day.strftime("%d.%m.%Y") if lang == LANGS[0] else f"{day.day} {day.strftime('%b %Y')}"


def format_number(value: float | None, decimals: int = 0, lang: str = "uk") -> str:
    """``12345.6`` -> ``12 345,6`` (uk) or ``12,345.6`` (en); NaN -> "no data"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("no_data", lang)
    text = f"{value:,.{decimals}f}"
    if lang == "uk":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_numbers(values: Iterable[float | None], decimals: int = 0, lang: str = "uk") -> list[str]:
    """:func:`format_number` of each value, in one pass (no call per value: 90,000 values at 30,000 units)."""
    missing = t("no_data", lang)
    spec = f",.{decimals}f"
    if lang == "uk":
        return [
            missing if v is None or v != v else format(v, spec).replace(",", "\u00a0").replace(".", ",") for v in values
        ]
    return [missing if v is None or v != v else format(v, spec) for v in values]


#: Reasons of the funding plan and the priority index: (code) -> template per language. Parameters
#: are formatted with :func:`format_number` (shares as %, ratios with two decimals).
REASONS: dict[str, dict[str, str]] = {
    "fills_vacancies": {
        "uk": "заповнено вакантних затверджених посад: {n} (лише витрати на добір)",
        "en": "fills {n} vacant approved post(s) (recruitment only)",
    },
    "new_posts": {"uk": "нових посад: {n}", "en": "new posts: {n}"},
    "below_norm": {
        "uk": "{before} → {after} на 10 000 {per} при нормативі {norm}",
        "en": "{before} → {after} per 10,000 {per} against a norm of {norm}",
    },
    "no_worker_before": {"uk": "жодного соціального працівника", "en": "no community social worker"},
    "worst_off": {
        "uk": "серед найгірше забезпечених: {ratio} від потреби (план підіймає всіх до {level})",
        "en": "among the worst-off: {ratio} of the need (the plan lifts all to {level})",
    },
    "lifted_from_none": {
        "uk": "перший соціальний працівник громади",
        "en": "the hromada's first community social worker",
    },
    "hostilities": {"uk": "територія бойових дій (позначка)", "en": "territory of hostilities (flag)"},
    "occupied_included": {
        "uk": "окупована територія, включена за вибором планувальника",
        "en": "occupied territory, included by the planner's choice",
    },
    "deoccupied": {"uk": "деокупована територія", "en": "deoccupied territory"},
    "gap_per_10k": {
        "uk": "{value} посад бракує на 10 000 людей (вище, ніж у {score} інших)",
        "en": "{value} community positions missing per 10,000 people (higher than in {score} of the others)",
    },
    "idp_share": {
        "uk": "ВПО — {value} людей (вище, ніж у {score} інших)",
        "en": "IDPs are {value} of people (higher than in {score} of the others)",
    },
    "no_psychologist": {"uk": "немає психолога", "en": "no psychologist"},
    "no_psychologist_share": {"uk": "{value} громад без психолога", "en": "{value} of hromadas without a psychologist"},
    "caseload_per_worker": {
        "uk": "{value} випадків на працівника (вище, ніж у {score} інших)",
        "en": "{value} cases per community social worker (higher than in {score} of the others)",
    },
    "cases_without_worker": {"uk": "є випадки, але немає працівника", "en": "cases but no community social worker"},
    "no_data": {"uk": "немає даних: {components}", "en": "no data: {components}"},
}
_PER = {"people": ("людей", "people"), "children": ("дітей", "children")}
_SHARES = {"score", "share", "ratio", "level"}


def reason_text(code: str, params: dict | None = None, lang: str = "uk") -> str:
    """A reason code with its parameters, in words in ``lang`` (see :data:`REASONS`)."""
    template = REASONS[code].get(lang, REASONS[code]["uk"])
    words = {}
    for key, value in (params or {}).items():
        if key == "per":
            words[key] = _PER.get(value, (value, value))[0 if lang == "uk" else 1]
        elif key in ("score", "share") or (key == "value" and code in ("idp_share", "no_psychologist_share")):
            words[key] = format_number(None if value is None else 100 * float(value), 0, lang) + " %"
        elif key in ("ratio", "level"):
            words[key] = format_number(None if value is None else 100 * float(value), 0, lang) + " %"
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            v = float(value)
            digits = 0 if v.is_integer() or abs(v) >= 100 else (1 if abs(v) >= 10 else 2)
            words[key] = format_number(v, digits, lang)
        else:
            words[key] = str(value)
    return template.format(**words)


def solver_text(messages, lang: str = "uk") -> str:
    """The allocator's message and notes in words in ``lang``, one sentence each (texts ``solver_<code>``).

    ``messages`` are ``(code, params)`` pairs of ``metrics.allocator.MESSAGES``
    (``Allocation.messages``). Counts and UAH are written in the language's
    format, a territorial status in words, the MIP gap as a percentage to two
    significant digits.
    """
    said = []
    for code, params in messages:
        words = {}
        for key, value in (params or {}).items():
            if key == "status":
                words[key] = STATUS_LABELS.get(lang, STATUS_LABELS["uk"]).get(value, value)
            elif key == "gap":
                percent = float(f"{100 * float(value):.2g}")
                decimals = len(f"{percent:f}".rstrip("0").partition(".")[2])
                words[key] = format_number(percent, decimals, lang)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                words[key] = format_number(float(value), 0, lang)
            else:
                words[key] = str(value)
        said.append(t(f"solver_{code}", lang, **words))
    return " ".join(said)


#: Territorial status (``loaders.status``) in words.
STATUS_LABELS: dict[str, dict[str, str]] = {
    "uk": {
        "occupied": "окупована",
        "hostilities": "бойові дії",
        "deoccupied": "деокупована",
        "none": "—",
    },
    "en": {"occupied": "occupied", "hostilities": "hostilities", "deoccupied": "deoccupied", "none": "—"},
}


# -- printable briefs (exports/brief.py, cli/brief.py, the brief buttons) ----------------------------------------
# Placeholders in braces are filled by ``str.format``. Numbers arrive already formatted for the language.
_BRIEF_TEXT: dict[str, dict[str, str]] = {
    "uk": {
        "brief_title": "{unit}: кадри соціальної сфери",
        "brief_subtitle": "Період: {period} · {title}",
        "brief_oblast_name": "{name} область",
        "brief_hromada_name": "{name} {type} громада",
        "brief_oblast": "Область",
        "brief_dataset": "Набір даних: {title}",
        "brief_footer": "Атлас кадрів соціальної сфери України · {title} · створено {date}",
        "brief_date_synthetic": "синтетичні дані",
        "brief_kind_population": "населення",
        "brief_kind_idp": "ВПО",
        "brief_kind_staffing": "штат",
        "brief_kind_caseload": "навантаження",
        "brief_kind_boundaries": "межі",
        "brief_kind_units": "адміністративні одиниці",
        "brief_kind_status": "статус територій",
        "brief_fig_population": "Населення (на {date})",
        "brief_fig_idp": "ВПО (на {date})",
        "brief_fig_workers": "Соціальні працівники громад (штат: {date})",
        "brief_fig_vacancy_rate": "Частка вакантних посад",
        "brief_fig_per_10k": "Працівників на 10 тис. мешканців",
        "brief_fig_per_10k_idp": "Працівників на 10 тис. мешканців з ВПО",
        "brief_fig_residents_per_worker": "Мешканців на одного працівника",
        "brief_fig_required": "Потреба за нормативом ({norm} на 10 тис.), посад",
        "brief_fig_wisn": "Забезпеченість за WISN (1 = достатньо)",
        "brief_fig_caseload": "Справ на одного працівника",
        "brief_fig_hromadas": "Громад",
        "brief_key_figures_base": "База розрахунку",
        "brief_base_present": (
            "Потреба рахується на наявне населення: мешканці 2022 року без ВПО, що виїхали (за часткою області "
            "походження МОМ), плюс ВПО, які живуть тут (вага {weight}); окуповані громади не враховано. "
            "«Немає даних» означає, що показник невідомий, а не нуль. * — оцінка."
        ),
        "brief_base_residents_plus_idp": (
            "Потреба рахується на мешканців плюс ВПО з вагою {weight} (верхня межа: переселені враховані і вдома, "
            "і там, де живуть тепер); «немає даних» означає, що показник невідомий, а не нуль. * — оцінка."
        ),
        "brief_base_pre_war": (
            "Потреба рахується на мешканців на 01.01.2022 (без ВПО); «немає даних» означає, що показник "
            "невідомий, а не нуль. * — оцінка."
        ),
        "brief_peers": "Місце серед подібних",
        "brief_peers_oblasts": "областей",
        "brief_peers_hromadas": "громад України",
        "brief_peers_oblast_hromadas": "громад області",
        "brief_rank_workers_per_10k": (
            "Працівників на 10 тис. мешканців: місце {rank} з {total} {peers} (1 = найменше працівників)"
        ),
        "brief_rank_gap_fte": "Дефіцит посад до нормативу: місце {rank} з {total} {peers} (1 = найбільший дефіцит)",
        "brief_rank_unknown": "{measure}: немає даних для порівняння",
        "brief_measure_workers_per_10k": "Працівників на 10 тис. мешканців",
        "brief_measure_gap_fte": "Дефіцит посад до нормативу",
        "brief_measure_residents_per_worker": "мешканців на працівника",
        "brief_measure_wisn_shortfall": "дефіцит за WISN",
        "brief_fewest": "Найменше працівників на 10 тис. мешканців: {units}",
        "brief_largest_gap": "Найбільший дефіцит посад: {units}",
        "brief_priority": "Пріоритет для фінансування",
        "brief_priority_oblasts": "Пріоритетні області",
        "brief_priority_rank": "Місце {rank} з {total} {peers} за індексом пріоритету ({index} зі 100). Чому:",
        "brief_priority_top": "{rank}. {unit}, індекс {index}: {reason}",
        "brief_priority_unknown": "Індекс пріоритету не розраховано: немає даних жодного складника.",
        "brief_priority_apart_occupied": (
            "Не ранжується: тимчасово окупована громада, потреба не рахується і фінансування не планується."
        ),
        "brief_priority_apart_not_enough_data": (
            "Не ранжується: відомо лише {known} з {total} складників індексу пріоритету."
        ),
        "brief_reason_gap_per_10k": "бракує {value} посад на 10 тис. людей (більше, ніж у {share} інших {peers})",
        "brief_reason_idp_share": "ВПО становлять {value} людей (більше, ніж у {share} інших {peers})",
        "brief_reason_caseload_per_worker": (
            "{value} справ на одного працівника (більше, ніж у {share} інших {peers})"
        ),
        "brief_reason_no_psychologist": "немає психолога",
        "brief_reason_share_no_psychologist": "{share} громад без психолога",
        "brief_reason_cases_no_worker": "є справи, але немає жодного соціального працівника",
        "brief_reason_missing": "немає даних: {components}",
        "brief_component_gap_per_10k": "дефіцит посад",
        "brief_component_idp_share": "частка ВПО",
        "brief_component_no_psychologist": "психологи",
        "brief_component_caseload_per_worker": "навантаження",
        "brief_status": "Статус території",
        "brief_status_unknown": (
            "Статус території невідомий: у наборі даних немає таблиці статусів (бойові дії, окупація)."
        ),
        "brief_status_of": "{status}{date}",
        "brief_status_counts": "Громади за статусом{date}: {counts}",
        "brief_on_date": "на {date}",
        "brief_status_value_unknown": "невідомо",
        "brief_status_occupied": "тимчасово окупована",
        "brief_status_hostilities": "територія бойових дій",
        "brief_status_deoccupied": "деокупована",
        "brief_status_none": "не в переліку територій бойових дій чи окупації",
        "brief_status_short_none": "не в переліку",
        "brief_status_detail_active": "активні бойові дії",
        "brief_status_detail_possible": "можливі бойові дії",
        "brief_roles": "Посади за ролями",
        "brief_vacant": "Вакантні",
        "brief_vacancy": "Частка вакантних",
        "brief_norm_gap": (
            "Соціальні працівники громад: потреба за нормативом {required} посад, працює {workers}, дефіцит {gap}."
        ),
        "brief_wisn_gap": "За методом WISN потрібно {required} посад; різниця з наявними: {difference}.",
        "brief_no_staffing": "Штатних даних про цю територію немає.",
        "brief_caveats": "Застереження",
        "brief_caveat_boundaries": (
            "Межі наближені: побудовані з розташування населених пунктів, це не офіційні межі."
        ),
        "brief_caveat_idp": "Кількість ВПО в громадах оцінена розподілом обласних оцінок МОМ (позначено *).",
        "brief_caveat_population": "Населення частини громад оцінене розподілом обласних або районних даних.",
        "brief_caveat_staffing": "Штат частини громад оцінений розподілом обласних або районних даних.",
        "brief_caveat_synthetic": "Синтетичні дані (демо): {kinds}. Не використовуйте їх для рішень.",
        "brief_caveat_staffing_coverage": (
            "Часткове охоплення: штат відомий для {known} з {total} громад; суми — лише з них."
        ),
        "brief_caveat_population_coverage": "Часткове охоплення: населення відоме для {known} з {total} громад.",
        "brief_caveat_norm": (
            "Потреба рахується за припущеннями планування (data/assumptions.toml), а не за правовим нормативом."
        ),
        "brief_sources": "Джерела",
        "brief_map_caption": "Карта: {measure}; сірим — немає даних.",
        "brief_map_no_hromada": "Межі громади немає: показано її область.",
        "brief_map_none": "Карти немає: у наборі даних немає меж цієї території.",
        "brief_plan_title": "План фінансування: {budget} грн на {years} р.",
        "brief_plan_budget": "Бюджет програми, грн",
        "brief_plan_years": "Років програми",
        "brief_plan_total": "Вартість плану за весь строк, грн",
        "brief_plan_vacancies_filled": "з них заповнено вакантних посад",
        "brief_plan_new_posts": "з них нових посад",
        "brief_plan_served_people": "Людей, охоплених за нормативом (додатково)",
        "brief_plan_served_children": "Дітей, охоплених за нормативом (додатково)",
        "brief_plan_served_children_only": "потреба рахується на дітей",
        "brief_plan_exclude_statuses": "не враховано громади зі статусом: {statuses}",
        "brief_plan_excluded_status": "{count} громад не враховано через статус території ({status}).",
        "brief_plan_positions": "Нових посад",
        "brief_plan_positions_short": "Посад",
        "brief_plan_hromadas": "Громад, що отримують посади",
        "brief_plan_people": "Людей у цих громадах (мешканці + ВПО)",
        "brief_plan_children": "Дітей у цих громадах",
        "brief_plan_lifted": "Громад, де з'явиться перший соціальний працівник",
        "brief_plan_covered": "Людей, охоплених за нормативом",
        "brief_plan_greedy": "Жадібний алгоритм для порівняння",
        "brief_plan_greedy_value": "{positions} посад, {spent} грн",
        "brief_plan_terms": "Умови плану",
        "brief_plan_objective": "Мета: {objective}",
        "brief_plan_constraints": "Обмеження: {constraints}",
        "brief_plan_status": "Результат: {status}",
        "brief_objective_coverage": "охопити якомога більше людей за нормативом",
        "brief_objective_equity": "спершу найгірше забезпечені громади",
        "brief_objective_lifted": "якомога більше громад отримують першого соціального працівника",
        "brief_measure_norm": "працівники / потреба за нормативом",
        "brief_measure_wisn": "забезпеченість за WISN",
        "brief_plan_status_optimal": "оптимальний план",
        "brief_plan_status_time_limit": "найкращий план, знайдений за відведений час",
        "brief_plan_status_no_budget": "бюджет нульовий, нічого не профінансовано",
        "brief_plan_status_no_gap": "дефіциту немає, фінансувати нічого",
        "brief_plan_status_no_data": "немає громад з відомими потребою і штатом",
        "brief_plan_status_infeasible": "обмеження неможливо виконати разом",
        "brief_plan_roles": "посади: {roles}",
        "brief_plan_min_one": "щонайменше один працівник у кожній громаді без жодного",
        "brief_plan_above_gap": "можна більше посад, ніж дефіцит",
        "brief_plan_cap_budget": "{unit}: не більше {value} грн",
        "brief_plan_cap_positions": "{unit}: не більше {value} посад",
        "brief_plan_exclude_unknown_idp": "громади без даних про ВПО не враховано",
        "brief_plan_no_constraints": "немає",
        "brief_plan_top": "Куди йдуть кошти (найбільші отримувачі)",
        "brief_plan_roles_funded": "Посади",
        "brief_plan_cost": "Вартість, грн",
        "brief_plan_nothing": "Нічого не профінансовано",
        "brief_plan_more": "Ще {count} громад",
        "brief_plan_per_year": "Вартість за роками",
        "brief_plan_year": "Рік",
        "brief_plan_cumulative": "Наростаючим підсумком, грн",
        "brief_plan_map_caption": "Карта: нові посади за громадами; світло-сірим — без нових посад.",
        "brief_plan_excluded": "{count} громад не враховано: невідоме населення або штат.",
        "brief_plan_residents_only": "{count} громад без даних про ВПО: потреба лише за мешканцями (нижня межа).",
        "brief_plan_costs_note": "Вартість посад і програми — з припущень планування ([funding]).",
        "brief_button": "Бриф (PDF)",
        "brief_plan_button": "Бриф плану (PDF)",
        "brief_batch_button": "Брифи всіх областей (.zip)",
        "brief_cancel": "Скасувати",
        "brief_progress": "Готово {done} з {total}",
        "job_solving": "Складаю план: {seconds} с (не довше ніж {limit} с)",
        "job_finishing": "План складено; готую таблицю й карту",
        "job_result_lost": "Результату розрахунку вже немає (сесію або час вичерпано); розрахуйте план ще раз",
        "brief_no_plan": "Спершу розрахуйте план.",
        "brief_cli_wrote": "Записано {path}",
        "brief_cli_batch": "Брифи областей",
    },
    "en": {
        "brief_title": "{unit}: social service workforce",
        "brief_subtitle": "Period: {period} · {title}",
        "brief_oblast_name": "{name} oblast",
        "brief_hromada_name": "{name} {type} hromada",
        "brief_oblast": "Oblast",
        "brief_dataset": "Dataset: {title}",
        "brief_footer": "Social Service Workforce Atlas of Ukraine · {title} · made {date}",
        "brief_date_synthetic": "synthetic data",
        "brief_kind_population": "population",
        "brief_kind_idp": "IDPs",
        "brief_kind_staffing": "staffing",
        "brief_kind_caseload": "caseload",
        "brief_kind_boundaries": "boundaries",
        "brief_kind_units": "administrative units",
        "brief_kind_status": "territorial status",
        "brief_fig_population": "Residents (on {date})",
        "brief_fig_idp": "IDPs (on {date})",
        "brief_fig_workers": "Community social workers (staffing: {date})",
        "brief_fig_vacancy_rate": "Vacant positions",
        "brief_fig_per_10k": "Workers per 10,000 residents",
        "brief_fig_per_10k_idp": "Workers per 10,000 residents incl. IDPs",
        "brief_fig_residents_per_worker": "Residents per worker",
        "brief_fig_required": "Required by the norm ({norm} per 10,000), positions",
        "brief_fig_wisn": "WISN ratio (1 = enough)",
        "brief_fig_caseload": "Cases per worker",
        "brief_fig_hromadas": "Hromadas",
        "brief_key_figures_base": "Basis of the figures",
        "brief_base_present": (
            "Need counts the present population: 2022 residents less the IDPs who left (by IOM's oblast-of-origin "
            'shares) plus the IDPs living here (weight {weight}); occupied hromadas are left out. "No data" means '
            "the figure is unknown, not zero. * estimated."
        ),
        "brief_base_residents_plus_idp": (
            "Need counts residents plus IDPs at weight {weight} (an upper bound: the displaced are counted at home "
            'and where they live now); "no data" means the figure is unknown, not zero. * estimated.'
        ),
        "brief_base_pre_war": (
            'Need counts residents on 1 Jan 2022 (no IDPs); "no data" means the figure is unknown, not zero. '
            "* estimated."
        ),
        "brief_peers": "Rank among peers",
        "brief_peers_oblasts": "oblasts",
        "brief_peers_hromadas": "hromadas of Ukraine",
        "brief_peers_oblast_hromadas": "hromadas of the oblast",
        "brief_rank_workers_per_10k": (
            "Workers per 10,000 residents: rank {rank} of {total} {peers} (1 = fewest workers)"
        ),
        "brief_rank_gap_fte": "Gap to the norm, positions: rank {rank} of {total} {peers} (1 = largest gap)",
        "brief_rank_unknown": "{measure}: no data to compare",
        "brief_measure_workers_per_10k": "Workers per 10,000 residents",
        "brief_measure_gap_fte": "Gap to the norm, positions",
        "brief_measure_residents_per_worker": "residents per worker",
        "brief_measure_wisn_shortfall": "WISN shortfall",
        "brief_fewest": "Fewest workers per 10,000 residents: {units}",
        "brief_largest_gap": "Largest gap in positions: {units}",
        "brief_priority": "Priority for funding",
        "brief_priority_oblasts": "Priority oblasts",
        "brief_priority_rank": "Rank {rank} of {total} {peers} on the priority index ({index} of 100). Why:",
        "brief_priority_top": "{rank}. {unit}, index {index}: {reason}",
        "brief_priority_unknown": "No priority index: none of its components is known.",
        "brief_priority_apart_occupied": "Not ranked: an occupied hromada; no need is counted and no funding planned.",
        "brief_priority_apart_not_enough_data": "Not ranked: only {known} of the {total} priority components known.",
        "brief_reason_gap_per_10k": (
            "{value} community positions missing per 10,000 people (more than in {share} of the other {peers})"
        ),
        "brief_reason_idp_share": "IDPs are {value} of people (more than in {share} of the other {peers})",
        "brief_reason_caseload_per_worker": (
            "{value} cases per community social worker (more than in {share} of the other {peers})"
        ),
        "brief_reason_no_psychologist": "no psychologist",
        "brief_reason_share_no_psychologist": "{share} of hromadas without a psychologist",
        "brief_reason_cases_no_worker": "cases but no community social worker",
        "brief_reason_missing": "no data: {components}",
        "brief_component_gap_per_10k": "gap in positions",
        "brief_component_idp_share": "IDP share",
        "brief_component_no_psychologist": "psychologists",
        "brief_component_caseload_per_worker": "caseload",
        "brief_status": "Territorial status",
        "brief_status_unknown": (
            "Territorial status is not known: the dataset has no status table (hostilities, occupation)."
        ),
        "brief_status_of": "{status}{date}",
        "brief_status_counts": "Hromadas by status{date}: {counts}",
        "brief_on_date": "on {date}",
        "brief_status_value_unknown": "not known",
        "brief_status_occupied": "temporarily occupied",
        "brief_status_hostilities": "territory of hostilities",
        "brief_status_deoccupied": "deoccupied",
        "brief_status_none": "not on the list of territories of hostilities or occupation",
        "brief_status_short_none": "not listed",
        "brief_status_detail_active": "active hostilities",
        "brief_status_detail_possible": "possible hostilities",
        "brief_roles": "Positions by role",
        "brief_vacant": "Vacant",
        "brief_vacancy": "Vacancy rate",
        "brief_norm_gap": (
            "Community social workers: {required} positions required by the norm, {workers} in post, gap {gap}."
        ),
        "brief_wisn_gap": "The WISN method requires {required} positions; difference from those in post: {difference}.",
        "brief_no_staffing": "The dataset has no staffing figures for this territory.",
        "brief_caveats": "Caveats",
        "brief_caveat_boundaries": "Boundaries are approximate: built from settlement locations, not official.",
        "brief_caveat_idp": "Hromada IDP figures are estimated by distributing IOM oblast estimates (marked *).",
        "brief_caveat_population": "Some hromadas' residents are estimated by splitting oblast or raion figures.",
        "brief_caveat_staffing": "Some hromadas' staffing is estimated by splitting oblast or raion figures.",
        "brief_caveat_synthetic": "Synthetic data (demo): {kinds}. Do not use them for decisions.",
        "brief_caveat_staffing_coverage": (
            "Partial coverage: staffing known for {known} of {total} hromadas; sums are of those only."
        ),
        "brief_caveat_population_coverage": "Partial coverage: residents known for {known} of {total} hromadas.",
        "brief_caveat_norm": (
            "Need is computed from planning assumptions (data/assumptions.toml), not from a legal standard."
        ),
        "brief_sources": "Sources",
        "brief_map_caption": "Map: {measure}; grey: no data.",
        "brief_map_no_hromada": "The hromada has no boundary: its oblast is shown.",
        "brief_map_none": "No map: the dataset has no boundary of this territory.",
        "brief_plan_title": "Funding plan: UAH {budget} over {years} years",
        "brief_plan_budget": "Programme budget, UAH",
        "brief_plan_years": "Programme years",
        "brief_plan_total": "Cost of the plan over the programme, UAH",
        "brief_plan_vacancies_filled": "of which vacant posts filled",
        "brief_plan_new_posts": "of which new posts",
        "brief_plan_served_people": "People served to the norm (added)",
        "brief_plan_served_children": "Children served to the norm (added)",
        "brief_plan_served_children_only": "need counts children",
        "brief_plan_exclude_statuses": "hromadas left out by status: {statuses}",
        "brief_plan_excluded_status": "{count} hromadas left out for their territorial status ({status}).",
        "brief_plan_positions": "New positions",
        "brief_plan_positions_short": "Positions",
        "brief_plan_hromadas": "Hromadas that get positions",
        "brief_plan_people": "People in those hromadas (residents + IDPs)",
        "brief_plan_children": "Children in those hromadas",
        "brief_plan_lifted": "Hromadas that get their first social worker",
        "brief_plan_covered": "People covered to the norm",
        "brief_plan_greedy": "Greedy baseline, for comparison",
        "brief_plan_greedy_value": "{positions} positions, UAH {spent}",
        "brief_plan_terms": "Terms of the plan",
        "brief_plan_objective": "Objective: {objective}",
        "brief_plan_constraints": "Constraints: {constraints}",
        "brief_plan_status": "Result: {status}",
        "brief_objective_coverage": "cover as many people as possible to the norm",
        "brief_objective_equity": "lift the worst-off hromadas first",
        "brief_objective_lifted": "as many hromadas as possible get their first social worker",
        "brief_measure_norm": "workers / need by the norm",
        "brief_measure_wisn": "WISN ratio",
        "brief_plan_status_optimal": "optimal plan",
        "brief_plan_status_time_limit": "the best plan found within the time limit",
        "brief_plan_status_no_budget": "the budget is zero: nothing funded",
        "brief_plan_status_no_gap": "no gap: nothing to fund",
        "brief_plan_status_no_data": "no hromada with known need and staffing",
        "brief_plan_status_infeasible": "the constraints cannot all be met",
        "brief_plan_roles": "roles: {roles}",
        "brief_plan_min_one": "at least one worker in every hromada without one",
        "brief_plan_above_gap": "more positions than the gap allowed",
        "brief_plan_cap_budget": "{unit}: at most UAH {value}",
        "brief_plan_cap_positions": "{unit}: at most {value} positions",
        "brief_plan_exclude_unknown_idp": "hromadas without an IDP figure left out",
        "brief_plan_no_constraints": "none",
        "brief_plan_top": "Where the money goes (largest first)",
        "brief_plan_roles_funded": "Roles",
        "brief_plan_cost": "Cost, UAH",
        "brief_plan_nothing": "Nothing funded",
        "brief_plan_more": "{count} more hromadas",
        "brief_plan_per_year": "Cost per year",
        "brief_plan_year": "Year",
        "brief_plan_cumulative": "Cumulative, UAH",
        "brief_plan_map_caption": "Map: new positions by hromada; light grey: none.",
        "brief_plan_excluded": "{count} hromadas left out: residents or staffing not known.",
        "brief_plan_residents_only": (
            "{count} hromadas without an IDP figure: need from residents only (a lower bound)."
        ),
        "brief_plan_costs_note": "Position and programme costs come from the planning assumptions ([funding]).",
        "brief_button": "Brief (PDF)",
        "brief_plan_button": "Plan brief (PDF)",
        "brief_batch_button": "Briefs of every oblast (.zip)",
        "brief_cancel": "Cancel",
        "brief_progress": "{done} of {total} done",
        "job_solving": "Making the plan: {seconds} s (at most {limit} s)",
        "job_finishing": "Plan made; preparing the table and the map",
        "job_result_lost": (
            "The result of the run is no longer kept (the session or its time expired); make the plan again"
        ),
        "brief_no_plan": "Make the plan first.",
        "brief_cli_wrote": "Wrote {path}",
        "brief_cli_batch": "Oblast briefs",
    },
}
for _lang, _words in _BRIEF_TEXT.items():
    TEXT[_lang].update(_words)

#: The words of the tables (AG Grid's own ``localeText``: filter menus, pagination, overlays), from
#: AG Grid's locale package (@ag-grid-community/locale 35.3.1, AG_GRID_LOCALE_UA / _EN, MIT licence),
#: a few reworded. Keys are ``grid_<AG Grid key>``; :func:`grid_locale` gives the dict the grid takes.
_GRID_TEXT: dict[str, tuple[str, str]] = {
    "filterOoo": ("Фільтр…", "Filter…"),
    "equals": ("Дорівнює", "Equals"),
    "notEqual": ("Не дорівнює", "Does not equal"),
    "blank": ("Порожньо", "Blank"),
    "notBlank": ("Не порожньо", "Not blank"),
    "empty": ("Виберіть умову", "Choose one"),
    "lessThan": ("Менше ніж", "Less than"),
    "greaterThan": ("Більше ніж", "Greater than"),
    "lessThanOrEqual": ("Менше або дорівнює", "Less than or equal to"),
    "greaterThanOrEqual": ("Більше або дорівнює", "Greater than or equal to"),
    "inRange": ("Між", "Between"),
    "inRangeStart": ("Від", "From"),
    "inRangeEnd": ("До", "To"),
    "contains": ("Містить", "Contains"),
    "notContains": ("Не містить", "Does not contain"),
    "startsWith": ("Починається з", "Begins with"),
    "endsWith": ("Закінчується на", "Ends with"),
    "andCondition": ("І", "AND"),
    "orCondition": ("АБО", "OR"),
    "applyFilter": ("Застосувати", "Apply"),
    "resetFilter": ("Скинути", "Reset"),
    "clearFilter": ("Очистити", "Clear"),
    "cancelFilter": ("Скасувати", "Cancel"),
    "textFilter": ("Текстовий фільтр", "Text filter"),
    "numberFilter": ("Числовий фільтр", "Number filter"),
    "loadingOoo": ("Завантаження…", "Loading…"),
    "loadingError": ("ПОМИЛКА", "ERR"),
    "noRowsToShow": ("Немає рядків", "No rows to show"),
    "noMatchingRows": ("Жоден рядок не відповідає фільтру", "No rows match the filter"),
    "page": ("Сторінка", "Page"),
    "of": ("з", "of"),
    "to": ("–", "to"),
    "more": ("більше", "more"),
    "nextPage": ("Наступна сторінка", "Next page"),
    "lastPage": ("Остання сторінка", "Last page"),
    "firstPage": ("Перша сторінка", "First page"),
    "previousPage": ("Попередня сторінка", "Previous page"),
    "pageLastRowUnknown": ("?", "?"),
    "pageSizeSelectorLabel": ("Рядків на сторінці:", "Page size:"),
    "footerTotal": ("Усього", "Total"),
    "sortAscending": ("Сортувати за зростанням", "Sort ascending"),
    "sortDescending": ("Сортувати за спаданням", "Sort descending"),
    "sortUnSort": ("Скасувати сортування", "Clear sort"),
    "columnFilter": ("Фільтр стовпця", "Column filter"),
    "pinColumn": ("Закріпити стовпець", "Pin column"),
    "pinLeft": ("Закріпити ліворуч", "Pin left"),
    "pinRight": ("Закріпити праворуч", "Pin right"),
    "noPin": ("Не закріплювати", "No pin"),
    "autosizeThisColumn": ("Підібрати ширину цього стовпця", "Autosize this column"),
    "autosizeAllColumns": ("Підібрати ширину всіх стовпців", "Autosize all columns"),
    "resetColumns": ("Скинути стовпці", "Reset columns"),
    "copy": ("Копіювати", "Copy"),
    "invalidNumber": ("Це не число", "Not a number"),
    "thousandSeparator": ("\u00a0", ","),
    "decimalSeparator": (",", "."),
    "ariaFilterInput": ("Поле фільтра", "Filter input"),
    "ariaFilterValue": ("Значення фільтра", "Filter value"),
    "ariaFilterFromValue": ("Фільтрувати від значення", "Filter from value"),
    "ariaFilterToValue": ("Фільтрувати до значення", "Filter to value"),
    "ariaFilteringOperator": ("Умова фільтра", "Filtering operator"),
    "ariaFilterColumn": ("Натисніть CTRL ENTER, щоб відкрити фільтр", "Press CTRL ENTER to open filter"),
    "ariaMenuColumn": ("Натисніть ALT DOWN, щоб відкрити меню стовпця", "Press ALT DOWN to open column menu"),
    "ariaSortableColumn": ("Натисніть ENTER, щоб сортувати", "Press ENTER to sort"),
    "ariaPageSizeSelectorLabel": ("Рядків на сторінці", "Page size"),
    "ariaLabelColumnMenu": ("Меню стовпця", "Column menu"),
    "ariaLabelColumnFilter": ("Фільтр стовпця", "Column filter"),
    "ariaLabelDialog": ("Діалог", "Dialog"),
    "ariaFilterMenuOpen": ("Відкрити меню фільтра", "Open filter menu"),
    "ariaColumnFiltered": ("Стовпець відфільтровано", "Column filtered"),
    "ariaFilterActive": ("Фільтр діє", "Filter active"),
    "ariaRowSelect": ("Натисніть SPACE, щоб вибрати рядок", "Press SPACE to select this row"),
    "ariaRowDeselect": ("Натисніть SPACE, щоб зняти вибір рядка", "Press SPACE to deselect this row"),
    "ariaRowToggleSelection": ("Натисніть SPACE, щоб перемкнути вибір рядка", "Press SPACE to toggle row selection"),
    "ariaChecked": ("позначено", "checked"),
    "ariaUnchecked": ("не позначено", "unchecked"),
    "ariaHidden": ("приховано", "hidden"),
    "ariaVisible": ("видимо", "visible"),
    "ariaSearch": ("Пошук", "Search"),
    "searchOoo": ("Пошук…", "Search…"),
    "ariaLabelTooltip": ("Підказка", "Tooltip"),
}
for _key, (_uk, _en) in _GRID_TEXT.items():
    TEXT["uk"][f"grid_{_key}"] = _uk
    TEXT["en"][f"grid_{_key}"] = _en


def grid_locale(lang: str) -> dict[str, str]:
    """AG Grid's ``localeText`` in ``lang``: its filter menus, pagination and overlays."""
    return {key: t(f"grid_{key}", lang) for key in _GRID_TEXT}


#: The Scenarios page's workbook (exports/scenario.py): sheet names, column headers, cover rows.
_SCENARIO_BOOK_TEXT: dict[str, tuple[str, str]] = {
    "sheet_scenario_comparison": ("Сценарій до і після", "Scenario before and after"),
    "sheet_scenario_parameters": ("Параметри сценарію", "Scenario parameters"),
    "busy": ("Зачекайте, сервер рахує…", "Please wait, the server is working…"),
    "oblast_unknown": (
        "Області з кодом «{code}» немає: показано всю Україну.",
        "There is no oblast with the code '{code}': all Ukraine is shown.",
    ),
    "plan_hromada_share": ("Найбільша частка посад однієї громади", "Largest share of positions in one hromada"),
    "plan_psychologist_share": ("Найбільша частка посад психологів", "Largest share of psychologist positions"),
    "plan_oblast_caps": ("Граничні бюджети областей, грн", "Oblast budget caps, UAH"),
    "scenario_book_yes": ("так", "yes"),
    "scenario_book_no": ("ні", "no"),
    "scenario_book_percent": ("%", "%"),
    "scenario_book_idp_change": (
        "Зміна кількості ВПО в сценарії (ціла Україна або одна область)",
        "The scenario's change in the number of IDPs (all Ukraine or one oblast)",
    ),
    "scenario_book_before": ("«До»", "Before"),
    "scenario_book_before_text": (
        "типові припущення (data/assumptions.toml)",
        "the default assumptions (data/assumptions.toml)",
    ),
    "scenario_book_after": ("«Після»", "After"),
    "scenario_book_after_text": (
        "припущення сценарію цієї сесії (аркуш «Параметри сценарію»)",
        "this session's scenario assumptions (sheet 'Scenario parameters')",
    ),
    "scenario_book_change": ("Зміна", "Change"),
    "scenario_book_change_text": (
        "після − до, для кожної одиниці; порожньо, якщо одне з двох невідоме",
        "after − before, per unit; blank when either is unknown",
    ),
    "scenario_book_changed": ("Змінені параметри", "Parameters changed"),
    "scenario_book_caveat": ("Застереження", "Caveat"),
    "scenario_book_caveat_text": (
        "Сценарій — розрахунок «що, якщо» за іншими припущеннями, а не прогноз; дефіцит і потреба — оцінки "
        "за нормативами, а не затверджений штатний розпис.",
        "A scenario is a what-if under other assumptions, not a forecast; the gap and the need are estimates "
        "against norms, not an approved staffing plan.",
    ),
    "scenario_book_estimated": ("Оцінки ВПО", "Estimated IDPs"),
    "scenario_book_estimated_text": (
        "Частина кількостей ВПО — оцінки (див. аркуші повного звіту).",
        "Some IDP figures are estimates (see the full workbook).",
    ),
}
for _key, (_uk, _en) in _SCENARIO_BOOK_TEXT.items():
    TEXT["uk"][_key] = _uk
    TEXT["en"][_key] = _en
for _measure in ("gap_fte", "required_fte", "workers_per_10k_incl_idp", "wisn_required", "idp"):
    _uk_name, _en_name = LABELS.get(_measure, (_measure, _measure))
    for _part, (_uk_part, _en_part) in {"before": ("до", "before"), "after": ("після", "after"),
                                        "change": ("зміна", "change")}.items():  # fmt: skip
        LABELS.setdefault(f"{_measure}_{_part}", (f"{_uk_name}: {_uk_part}", f"{_en_name}: {_en_part}"))
LABELS.setdefault("unit_name", ("Назва", "Name"))
LABELS.setdefault("value_before", ("Значення «до»", "Value before"))
LABELS.setdefault("value_after", ("Значення «після»", "Value after"))
LABELS.setdefault("changed", ("Змінено", "Changed"))

#: Words that loaders' messages use: ``loader_level_<level>``, ``loader_kind_<kind>``, ``loader_htype_<type>``.
_LOADER_WORDS: dict[str, tuple[str, str]] = {
    "or": (" або ", " or "),
    "level_oblast": ("область", "oblast"),
    "level_raion": ("район", "raion"),
    "level_hromada": ("громада", "hromada"),
    "level_settlement": ("населений пункт", "settlement"),
    "level_city": ("місто", "city"),
    "kind_population": ("населення", "population"),
    "kind_idp": ("ВПО", "IDP"),
    "kind_staffing": ("штатна чисельність", "staffing"),
    "kind_caseload": ("випадки", "caseload"),
    "kind_status": ("статус територій", "status"),
    "kind_boundaries": ("межі", "boundary"),
    "htype_urban": ("міська", "urban"),
    "htype_settlement": ("селищна", "settlement"),
    "htype_rural": ("сільська", "rural"),
    "htype_": ("невідомого типу", "hromada of unknown type"),
}
for _key, (_uk, _en) in _LOADER_WORDS.items():
    TEXT["uk"][f"loader_{_key}"] = _uk
    TEXT["en"][f"loader_{_key}"] = _en

#: What ``publish`` prints (cli/publish.py): (Ukrainian, English).
_PUBLISH_TEXT: dict[str, tuple[str, str]] = {
    "publish_refused": (
        "нічого не опубліковано: файлів із помилками — {count}",
        "nothing was published: {count} file(s) have errors",
    ),
    "publish_published": (
        "опубліковано №{id}: {kind} {period}, версія {version} (рядків: {rows}, попереджень: {warnings})",
        "published #{id}: {kind} {period} version {version} ({rows} rows, {warnings} warnings)",
    ),
    "publish_unchanged": (
        "таблиць без змін від поточної версії: {count}; повторно не опубліковано",
        "{count} table(s) unchanged since their current version: not published again",
    ),
    "publish_store": ("сховище: {url}", "store: {url}"),
}
for _key, (_uk, _en) in _PUBLISH_TEXT.items():
    TEXT["uk"][_key] = _uk
    TEXT["en"][_key] = _en

# -- what the loaders say about a file (``loaders.messages.MESSAGES``; said by :func:`issue_text`) ---------------
#: ``msg_<code>``: (Ukrainian, English). Parameters in braces are filled by :func:`issue_text`.
_ISSUE_TEXT: dict[str, tuple[str, str]] = {
    "unit": ("{name_uk} ({name_en}), {level}, {code}", "{name_uk} ({name_en}), {level}, {code}"),
    "unit_in": (
        "{name_uk} ({name_en}), {level}, {oblast} область, {code}",
        "{name_uk} ({name_en}), {level} in {oblast} oblast, {code}",
    ),
    "stored_text": ("{text}", "{text}"),
    "and_more": (" та ще {count}", " and {count} more"),
    "source_uploaded": ("завантажений файл {name}", "uploaded file {name}"),
    "source_updated": (
        "{previous}; оновлено завантаженим файлом {name}",
        "{previous}; updated by uploaded file {name}",
    ),
    # files refused before they are read
    "refused_sheets_over": (
        "{name}: у книзі понад {limit} аркушів",
        "{name}: the workbook lists more than {limit} sheets",
    ),
    "refused_sheets": (
        "{name}: аркушів у книзі — {count}, більше за {limit}",
        "{name}: the workbook lists {count} sheets, more than {limit}",
    ),
    "refused_zip_damaged": (
        "{name}: пошкоджений zip-контейнер ({reason})",
        "{name}: a damaged zip container ({reason})",
    ),
    "refused_zip_entries": (
        "{name}: елементів в архіві — {count}, більше за {limit}",
        "{name}: the archive holds {count} entries, more than {limit}",
    ),
    "refused_unpacked": (
        "{name}: після розпакування займе {size_mb} МБ, більше за {limit_mb} МБ",
        "{name}: would unpack to {size_mb} MB, more than {limit_mb} MB",
    ),
    "refused_zip_bomb": (
        "{name}: елемент «{entry}» стиснуто підозріло сильно (zip-бомба?)",
        "{name}: entry '{entry}' is compressed suspiciously well (a zip bomb?)",
    ),
    "refused_shared_text": (
        "{name}: {size_mb} МБ спільного тексту, більше за {limit_mb} МБ; збережіть аркуш як .csv і завантажте його",
        "{name}: {size_mb} MB of shared text, more than {limit_mb} MB; save the sheet as .csv and upload that",
    ),
    "refused_xlsx_part": (
        "{name}: частина книги «{entry}» займає {size_mb} МБ, більше за {limit_mb} МБ (такі великі стилі чи "
        "налаштування — не дані); збережіть аркуш як .csv і завантажте його",
        "{name}: the workbook part '{entry}' is {size_mb} MB, more than {limit_mb} MB (styles or settings this large "
        "are not data); save the sheet as .csv and upload that",
    ),
    "refused_gpkg_unreadable": (
        "{name}: GeoPackage не вдається прочитати ({reason})",
        "{name}: not a readable GeoPackage ({reason})",
    ),
    "refused_gpkg_schema": ("{name}: понад {limit} записів схеми", "{name}: more than {limit} schema entries"),
    "refused_gpkg_view": (
        "{name}: містить подання («{entry}»); читаються лише звичайні таблиці об'єктів",
        "{name}: holds a view ('{entry}'); only plain feature tables are read",
    ),
    "refused_gpkg_trigger": (
        "{name}: містить тригер («{entry}»); читаються лише звичайні таблиці об'єктів",
        "{name}: holds a trigger ('{entry}'); only plain feature tables are read",
    ),
    "refused_gpkg_virtual": (
        "{name}: містить віртуальну таблицю («{entry}»); читаються лише звичайні таблиці об'єктів",
        "{name}: holds a virtual table ('{entry}'); only plain feature tables are read",
    ),
    "refused_gpkg_generated": (
        "{name}: таблиця «{entry}» має обчислювані стовпці; читаються лише звичайні таблиці об'єктів",
        "{name}: table '{entry}' has generated columns; only plain feature tables are read",
    ),
    "refused_gpkg_layer_table": (
        "{name}: шар «{entry}» — не звичайна таблиця",
        "{name}: layer '{entry}' is not a plain table",
    ),
    "refused_gpkg_layer_type": (
        "{name}: шар «{entry}» містить «{data_type}», а не об'єкти",
        "{name}: layer '{entry}' holds '{data_type}', not features",
    ),
    "refused_empty": ("{name}: файл порожній", "{name}: the file is empty"),
    "refused_type": (
        "{name}: це {what}, а не таблиця чи файл меж",
        "{name}: this is {what}, not a spreadsheet or boundary file",
    ),
    "what_windows_program": ("програма для Windows", "a Windows program"),
    "what_linux_program": ("програма для Linux", "a Linux program"),
    "what_pdf": ("документ PDF", "a PDF document"),
    "what_png": ("зображення PNG", "a PNG image"),
    "what_jpeg": ("зображення JPEG", "a JPEG image"),
    "what_gif": ("зображення GIF", "a GIF image"),
    "what_rar": ("архів RAR", "a RAR archive"),
    "what_7zip": ("архів 7-Zip", "a 7-Zip archive"),
    "what_gzip": ("архів gzip", "a gzip archive"),
    "refused_macro": (
        "{name}: книга з макросами; збережіть її як .xlsx без макросів",
        "{name}: a macro-enabled workbook; save it as .xlsx without macros",
    ),
    "refused_zip_nothing": (
        "{name}: zip-архів без книги й без shapefile",
        "{name}: a zip archive that holds no workbook and no shapefile",
    ),
    "refused_binary": (
        "{name}: двійковий файл, що не є таблицею (очікується .xlsx, .xls, .ods або .csv)",
        "{name}: a binary file that is no spreadsheet (expected .xlsx, .xls, .ods or .csv)",
    ),
    "refused_sheet_count": (
        "{name}: аркушів — {count}, більше за {limit}",
        "{name}: {count} sheets, more than {limit}",
    ),
    "refused_rows": ("{name}: понад {limit} рядків", "{name}: more than {limit} rows"),
    "refused_columns": (
        "{name}: у рядку {row} стовпців — {count}, більше за {limit}",
        "{name}: row {row} has {count} columns, more than {limit}",
    ),
    "refused_slow": ("{name}: читання тривало довше за {seconds} с", "{name}: reading took longer than {seconds} s"),
    "refused_texts": (
        "{name}: понад {limit} різних текстів у книзі; збережіть аркуш як .csv і завантажте його",
        "{name}: more than {limit} distinct texts in the workbook; save the sheet as .csv and upload that",
    ),
    "refused_not_a_table": (
        "{name}: файл типу {type} — не таблиця (очікується .xlsx, .xls, .ods або .csv)",
        "{name}: a {type} file is no table (expected .xlsx, .xls, .ods or .csv)",
    ),
    "stopped_slow": (
        "читання файлу тривало довше за {seconds} с; його зупинено",
        "reading the file took longer than {seconds} s; it was stopped",
    ),
    "stopped_memory": (
        "читання файлу потребує понад {limit_mb} МБ пам'яті; його зупинено",
        "reading the file needs more than {limit_mb} MB of memory; it was stopped",
    ),
    "stopped_exit": (
        "файл не вдалося прочитати (читання зупинилося, код {exitcode})",
        "the file could not be read (the reader stopped, code {exitcode})",
    ),
    "reader_failed": ("файл не вдалося прочитати ({reason})", "the file could not be read ({reason})"),
    # the upload page's own checks
    "upload_kind_unknown": ("вид файлу має бути одним із: {kinds}", "kind must be one of {kinds}"),
    "upload_not_base64": ("файл пошкоджено під час передавання", "the file was damaged in transfer"),
    "upload_too_big": ("файл більший за дозволені {limit_mb} МБ", "the file is larger than the {limit_mb} MB allowed"),
    "upload_not_kept": (
        "файл прочитано, але зберегти його не вдалося: {reason}; поточні дані не змінено",
        "the file was read but could not be kept: {reason}; the data in use is unchanged",
    ),
    # the store
    "publish_conflict": (
        "{kind} {period} опублікував {by} о {at} (версія {version}), поки ваш файл перевірявся; з вашого нічого "
        "не опубліковано. Перегляньте «python app.py datasets» і опублікуйте знову, якщо ваш має її замінити.",
        "{kind} {period} was published by {by} at {at} (version {version}) while yours was being checked; nothing "
        "of yours was published. Look at `python app.py datasets` and publish again if yours should replace it.",
    ),
    "publish_clash": (
        "тієї самої миті записано іншу публікацію того самого виду й періоду; з вашого нічого не опубліковано. "
        "Перегляньте «python app.py datasets» і опублікуйте знову.",
        "another publication of the same kind and period was written at the same moment; nothing of yours was "
        "published. Look at `python app.py datasets` and publish again.",
    ),
    "no_publication": (
        "у сховищі немає публікації №{id} (див. «python app.py datasets»)",
        "no publication {id} in the store (see `python app.py datasets`)",
    ),
    "already_retracted": (
        "публікацію №{id} ({kind} {period} v{version}) уже відкликав {by} о {at}",
        "publication {id} ({kind} {period} v{version}) was already retracted by {by} at {at}",
    ),
    "period_invalid": (
        "період «{value}» — не квартал (напр., 2025-Q2) і не дата (напр., 2025-04-30)",
        "period '{value}' is neither a quarter (e.g. 2025-Q2) nor a date (e.g. 2025-04-30)",
    ),
    # manifests and other TOML files
    "not_toml": ("{where}: не коректний TOML ({reason})", "{where}: not valid TOML ({reason})"),
    "manifest_entry": (
        "{where}: «{name}» має бути назвою файлу або таблицею з «path», отримано {value}",
        "{where}: '{name}' must be a file name or a table with 'path', got {value}",
    ),
    "manifest_options": (
        "{where}: невідомі параметри {unknown} для «{name}»; очікується: {known}",
        "{where}: unknown option(s) {unknown} for '{name}'; expected {known}",
    ),
    "manifest_path": (
        "{where}: для «{name}» потрібен «path» (назва файлу), отримано {value}",
        "{where}: '{name}' needs a 'path' (a file name), got {value}",
    ),
    "manifest_keys": (
        "{where}: невідомі ключі {unknown}; очікується: {known}",
        "{where}: unknown key(s) {unknown}; expected {known}",
    ),
    "manifest_boundary_level": (
        "{where}: ключ [boundaries] «{key}» має бути одним із: {known}",
        "{where}: [boundaries] key '{key}' must be one of {known}",
    ),
    "manifest_simplify": (
        "{where}: boundaries.{key}.simplify має бути числом ≥ 0, отримано {value}",
        "{where}: boundaries.{key}.simplify must be a number >= 0, got {value}",
    ),
    "manifest_kind": (
        "{where}: невідомий вид таблиці «{value}» (очікується: {known})",
        "{where}: unknown table kind '{value}' (expected {known})",
    ),
    "manifest_rule": (
        "{where}: tables.{key}.disaggregate має бути одним із: {known}, отримано {value}",
        "{where}: tables.{key}.disaggregate must be one of {known}, got {value}",
    ),
    "manifest_table": (
        "{where}: tables.{key} має бути таблицею, отримано {value}",
        "{where}: tables.{key} must be a table, got {value}",
    ),
    "manifest_source": (
        '{where}: {key} має бути текстом або таблицею {{uk = "…", en = "…"}}, отримано {value}',
        '{where}: {key} must be a text or a table {{uk = "...", en = "..."}}, got {value}',
    ),
    "manifest_header_row": (
        "{where}: tables.{key}.header_row має бути номером рядка від 1, отримано {value}",
        "{where}: tables.{key}.header_row must be a row number >= 1, got {value}",
    ),
    # files and tables
    "file_not_found": ("файл не знайдено: {path}", "file not found: {path}"),
    "cannot_read": ("файл не вдається прочитати ({reason})", "cannot read the file ({reason})"),
    "unreadable": (
        "{name}: файл типу {type} не вдається прочитати ({reason})",
        "{name}: not a readable {type} file ({reason})",
    ),
    "needs_package": (
        "{name}: для читання файлів «{suffix}» потрібен пакет {package} (pip install {package})",
        "{name}: reading '{suffix}' files needs the package {package} (pip install {package})",
    ),
    "no_sheet": ("{name}: немає аркуша «{sheet}» (аркуші: {sheets})", "{name}: no sheet '{sheet}' (sheets: {sheets})"),
    "cell_convention": (
        "позначка в клітинках «{sign}» = «{meaning}»: значення має бути одним із: {known}",
        "cell convention '{sign}' = '{meaning}': the meaning must be one of {known}",
    ),
    "not_a_number": ("очікується число, отримано «{value}»", "expected a number, got '{value}'"),
    "not_finite": ("очікується скінченне число, отримано «{value}»", "expected a finite number, got '{value}'"),
    "override_unknown_field": (
        "заміна стовпця «{name}»: невідоме поле; очікується одне з: {known}",
        "column override '{name}': unknown field; expected one of {known}",
    ),
    "override_no_header": (
        "заміна стовпця «{name}»: немає клітинки заголовка «{target}» у перших {rows} рядках",
        "column override '{name}': no header cell '{target}' in the first {rows} rows",
    ),
    "no_header": (
        "у перших {rows} рядках немає рядка заголовка з потрібними стовпцями; очікується {expected}",
        "no header row with the required columns found in the first {rows} rows; expected {expected}",
    ),
    "no_header_sheets": (
        "у перших {rows} рядках жодного з {sheets} аркушів немає рядка заголовка з потрібними стовпцями; "
        "очікується {expected}",
        "no header row with the required columns found in the first {rows} rows of any of the {sheets} sheets; "
        "expected {expected}",
    ),
    "expected_fields": ("{fields}", "{fields}"),
    "field_example": ("{field} (напр. «{example}»)", "{field} (e.g. '{example}')"),
    "expected_values": ("стовпець коду або назви та {alternatives}", "a code or name column and {alternatives}"),
    "expected_staffing": (
        "стовпець коду або назви та посада («Посада») із затвердженими й зайнятими посадами або стовпці за посадами",
        "a code or name column and role ('Посада') with approved/filled positions, or columns per role",
    ),
    "numbering_row": (
        "пропущено рядок номерів стовпців під заголовком (1, 2, 3 …)",
        "a row of column numbers under the header (1, 2, 3 ...) was skipped",
    ),
    "totals_row": ("рядок підсумків пропущено (не враховано як дані)", "totals row skipped (not counted as data)"),
    "no_data_rows": ("у таблиці немає рядків даних під заголовком", "the table has no data rows under its header"),
    "no_status_rows": (
        "у таблиці немає рядків статусу під заголовком",
        "the table has no status rows under its header",
    ),
    "none_matched": (
        "жоден рядок не зіставлено з одиницею; перевірте стовпці коду або назви",
        "no row matched a unit; check the code or name columns",
    ),
    "suggestions_capped": (
        "найближчі назви підказано лише для перших {limit} шуканих назв (ще {count} — без підказок)",
        "closest names are suggested for the first {limit} names looked up only ({count} more without suggestions)",
    ),
    "no_polygon": ("{code} не має полігона у файлах меж", "{code} has no polygon in the boundary files"),
    "no_polygon_more": (
        "… та ще рядки, чия одиниця не має полігона у файлах меж: {count}",
        "... and {count} more rows whose unit has no polygon in the boundary files",
    ),
    # cells
    "share_out_of_range": (
        "частка має бути від 0 до 1 (або від 0 до 100 %), отримано {value}",
        "share must be between 0 and 1 (or 0 and 100 %), got {value}",
    ),
    "percentage_for_count": (
        "очікується кількість, отримано відсоток «{value}»",
        "expected a count, got a percentage '{value}'",
    ),
    "negative": (
        "має бути ≥ 0, отримано {value}; прочитано як «немає даних»",
        "must be >= 0, got {value}; read as no data",
    ),
    "text_numbers": (
        "числа, записані текстом серед чисел, прочитано як числа: {count} (рядки {rows})",
        "{count} number(s) typed as text among numbers were read as numbers (rows {rows})",
    ),
    "not_available": (
        "«{field}»: немає даних ({signs}), одиниць: {count} — {units}{more}; будь-яка сума з ними невідома, "
        "ніколи не 0",
        "{field} not available ({signs}) for {count} unit(s): {units}{more}; any sum that includes them is unknown, "
        "never counted as 0",
    ),
    "unit_row": ("{name} ({code}, рядок {row})", "{name} ({code}, row {row})"),
    "more_filled": ("зайнятих посад більше, ніж затверджених", "more filled positions than approved ones"),
    "totals_differ": (
        "рядок підсумків дає «{field}» {value}, а сума рядків — {total}",
        "the totals row gives {field} {value}, but the rows sum to {total}",
    ),
    "subtotal_differs": (
        "рядок рівня «{row_level}» {name} дає «{field}» {value}, але сума його рядків рівня «{unit_level}» ({count}) "
        "— {total}; використано ці рядки",
        "{row_level} row {name} gives {field} {value}, but its {count} {unit_level} rows sum to {total}; the "
        "{unit_level} rows are used",
    ),
    "several_levels": (
        "дані на кількох рівнях: {parts}; кожне значення лишається на своєму рівні",
        "figures at several levels: {parts}; each is kept at its own level",
    ),
    "level_rows": (
        "рядків рівня «{level}»: {count}",
        "{count} {level} row(s)",
    ),
    "unknown_role": (
        "невідома посада «{value}»; очікується одна з: {known}",
        "unknown role '{value}'; expected one of {known}",
    ),
    "appears_again": (
        "{what} трапляється знову (уперше в рядку {first}); цей рядок не враховано",
        "{what} appears again (first in row {first}); this row is not counted",
    ),
    "unit_again": ("{level} {code}", "{level} {code}"),
    "unit_role_again": ("{level} {code}, посада «{role}»,", "{level} {code}, role {role},"),
    "idp_over_population": (
        "ВПО ({idp}) більше ніж утричі перевищують населення ({population}) одиниці {code}",
        "IDPs {idp} are more than three times the population {population} of {code}",
    ),
    "not_split_none": (
        "значень вище рівня громади не розподілено (правило «none»): {count}; ці громади показано без даних",
        "{count} figure(s) above hromada level not split (rule 'none'): those hromadas show no data",
    ),
    "not_split_no_population": (
        "значень вище рівня громади не розподілено: {count}; правилу «population» потрібне населення громад",
        "{count} figure(s) above hromada level not split: the rule 'population' needs hromada populations",
    ),
    "split": (
        "значень рівня «{levels}» розподілено між громадами ({hromadas}) пропорційно населенню (оцінка): {count}",
        "{count} {levels} figure(s) split to {hromadas} hromadas pro rata to population (estimated)",
    ),
    "not_split_no_weight": (
        "значень не розподілено через брак населення громад або самих громад: {count}: {codes}",
        "{count} figure(s) not split for want of hromada populations or hromadas: {codes}",
    ),
    # rows and their units
    "unlocated": (
        "«{text}» не називає одиниці (місце невідоме); її дані не віднесено до жодної одиниці",
        "'{text}' names no unit (location unknown); its figures are not assigned to any unit",
    ),
    "unlocated_figures": (
        "«{text}» не називає одиниці (місце невідоме); її дані ({figures}) не віднесено до жодної одиниці",
        "'{text}' names no unit (location unknown); its figures ({figures}) are not assigned to any unit",
    ),
    "figure": ("{field} {value}", "{field} {value}"),
    "special_not_assigned": (
        "{problem}; дані рядка не віднесено до жодної одиниці",
        "{problem}; its figures are not assigned to any unit",
    ),
    "no_unit_found": ("одиницю не знайдено", "no unit found"),
    "former_names": (
        "рядків із колишньою назвою одиниці свого коду: {count} ({rows}{more}); використано сучасні назви "
        "(див. data/renames.csv)",
        "{count} row(s) give a former name of the unit of their code ({rows}{more}); today's names are used "
        "(see data/renames.csv)",
    ),
    "former_name_row": ("рядок {row}: {note}", "row {row}: {note}"),
    "other_names": (
        "рядків із назвою, відмінною від назви кодифікатора для їхнього коду: {count} ({rows}{more}); використано "
        "коди (перейменовані одиниці чи зсунуті рядки?)",
        "{count} row(s) give a name other than the codifier's for their code ({rows}{more}); the codes are used "
        "(renamed units, or shifted rows?)",
    ),
    "other_name_row": (
        "рядок {row}: «{name}», за кодифікатором «{official}» для {code}",
        "row {row}: '{name}', the codifier's '{official}' for {code}",
    ),
    "empty_code": ("порожній код", "empty code"),
    "empty_name": ("порожня назва", "empty name"),
    "no_code_or_name": ("немає коду чи назви", "no code or name"),
    "no_key": (
        "порожній код; очікується код КАТОТТГ, P-код COD-AB або назва",
        "empty code; expected a KATOTTG code or COD-AB P-code, or a name",
    ),
    "known_code": ("код «{raw}» — це {who}; прочитано як {target}", "code '{raw}' is {who}; read as {target}"),
    "who_iom_kyiv": ("код IOM DTM для міста Київ", "IOM DTM's code for Kyiv city"),
    "quirk_code": ("код «{raw}» прочитано як {target}: {why}", "code '{raw}' read as {target}: {why}"),
    "why_kse_kyiv": (
        "таблиця населення KSE Loc Data Hub позначає місто Київ кодом «NA»",
        "the KSE Loc Data Hub population table codes Kyiv city 'NA'",
    ),
    "code_override": ("заміна коду «{raw}» → «{target}»: {problem}", "code override '{raw}' -> '{target}': {problem}"),
    "code_not_found": (
        "код {code} не відповідає жодній одиниці кодифікатора",
        "code {code} matches no unit in the codifier",
    ),
    "special_area": ("{code} — це {area}, не одиниця кодифікатора", "{code} is the {area}, no unit of the codifier"),
    "koatuu_code": (
        "«{raw}» схожий на код КОАТУУ (кодифікатор, замінений 2020 року); потрібен код КАТОТТГ, P-код COD-AB або назва",
        "'{raw}' looks like a KOATUU code (the codifier replaced in 2020); a KATOTTG code, COD-AB P-code or name "
        "is needed",
    ),
    "not_a_code": (
        "«{raw}» — не код КАТОТТГ і не P-код (очікується, напр., UA05020030000031457)",
        "'{raw}' is not a KATOTTG code or P-code (expected e.g. UA05020030000031457)",
    ),
    "former_name": (
        "«{old}» — колишня назва одиниці ({level}) «{name}» ({code}); прочитано як сучасну",
        "'{old}' is the former name of {level} '{name}' ({code}); read as today's",
    ),
    "near_spelling": (
        "«{given}» прочитано як «{name}» (найближче написання, схожість {share})",
        "'{given}' read as '{name}' (closest spelling, {share} alike)",
    ),
    "no_such_name": ("«{name}» не відповідає жодній одиниці ({levels})", "'{name}' matches no {levels}"),
    "no_such_name_in_scope": (
        "«{name}» не відповідає жодній одиниці ({levels}) у своїй області/районі",
        "'{name}' matches no {levels} in its oblast/raion",
    ),
    "exists_elsewhere": (
        " (одиниця з такою назвою є деінде: {units}{more}; не використано, рядок вказує іншу область/район)",
        " (a unit of that name exists elsewhere: {units}{more}; not used, the row gives another oblast/raion)",
    ),
    "with_elsewhere": ("{problem}{elsewhere}", "{problem}{elsewhere}"),
    "notes": ("{notes}", "{notes}"),
    "several_units": (
        "«{name}» називає кілька одиниць ({count}); додайте код, область або район",
        "'{name}' names {count} units; add a code, oblast or raion",
    ),
    "several_units_in_scope": (
        "«{name}» називає кілька одиниць ({count}) у своїй області/районі; додайте код, область або район",
        "'{name}' names {count} units in its oblast/raion; add a code, oblast or raion",
    ),
    "type_close": (
        "«{name}» подано як громаду типу «{given_type}»; у кодифікаторі {official} — {official_type}",
        "'{name}' is given as a {given_type} hromada; the codifier's {official} is a {official_type}",
    ),
    "type_mismatch": (
        "«{name}» подано як громаду типу «{given_type}», але громади цього типу з такою назвою немає ({found})",
        "'{name}' is given as a {given_type} hromada, but no {given_type} hromada of that name exists ({found})",
    ),
    "type_mismatch_in_scope": (
        "«{name}» подано як громаду типу «{given_type}», але громади цього типу з такою назвою немає у своїй "
        "області/районі ({found})",
        "'{name}' is given as a {given_type} hromada, but no {given_type} hromada of that name exists in its "
        "oblast/raion ({found})",
    ),
    "unit_type": ("{unit} — {hromada_type}", "{unit} is {hromada_type}"),
    "no_such_generic": (
        "«{name}» не відповідає жодній громаді, району чи області",
        "'{name}' matches no hromada, raion or oblast",
    ),
    "no_such_generic_near": (
        "«{name}» не відповідає жодній громаді, району чи області поруч із рядками над ним",
        "'{name}' matches no hromada, raion or oblast near the rows above it",
    ),
    "code_name_conflict": (
        "код {code} — це {unit}, а назва «{name}» — {other}; виправте код або назву",
        "code {code} is {unit}, but the name '{name}' is {other}; correct the code or the name",
    ),
    "parent_failed": ("{level} «{given}»: {problem}", "{level} '{given}': {problem}"),
    "scope_is_law": (
        "{problem}; одиницю ({level}) не шукано поза її областю та районом",
        "{problem}; the {level} is not looked for outside its oblast and raion",
    ),
    "by_name_instead": (
        "{problem}; натомість зіставлено за назвою «{name}»",
        "{problem}; matched by name '{name}' instead",
    ),
    "with_note": ("{note} ({more})", "{note} ({more})"),
    "settlement_code": (
        "код населеного пункту {code} прочитано як його громаду {hromada}",
        "settlement code {code} read as its hromada {hromada}",
    ),
    "status_no_unit": (
        "рядок не називає одиниці (немає коду, області, району чи громади)",
        "the row names no unit (no code, oblast, raion or hromada)",
    ),
    "status_unknown": (
        "невідомий статус «{value}» (очікується один із: {known}, українською або англійською)",
        "unknown status '{value}' (expected one of {known}, in Ukrainian or English)",
    ),
    "status_missing": ("статус не вказано (очікується один із: {known})", "no status given (expected one of {known})"),
    "status_again": (
        "другий рядок для {unit} (уперше в рядку {first}): один статус на одиницю",
        "a second row for {unit} (first in row {first}): one status per unit",
    ),
    "no_reference_date": (
        "громад без дати, станом на яку вказано статус: {count}; статус має дату: додайте стовпець "
        "«reference_date» або дату переліку",
        "{count} hromada(s) have no reference date: a status is dated; give a 'reference_date' column or the date "
        "of the list",
    ),
    # boundary files
    "unsupported_type": (
        "непідтримуваний тип файлу «{suffix}» (очікується {expected})",
        "unsupported file type '{suffix}' (expected {expected})",
    ),
    "no_features": ("у файлі немає об'єктів", "the file has no features"),
    "too_many_vertices": (
        "вершин у полігонах — {count}, більше за дозволені {limit}",
        "the polygons have {count} vertices, more than the {limit} allowed",
    ),
    "empty_geometry": ("{name}: порожня геометрія; об'єкт відкинуто", "{name}: empty geometry; feature dropped"),
    "feature_no_key": ("немає коду чи назви; об'єкт відкинуто", "no code or name; feature dropped"),
    "kept_for_display": (
        "{problem}; залишено для показу з його P-кодом",
        "{problem}; kept for display with its P-code",
    ),
    "crimea_pre_reform": (
        "{code} ({name}) немає в кодифікаторі (кримська одиниця до реформи); залишено для показу з його P-кодом",
        "{code} ({name}) is not in the codifier (a pre-reform Crimean unit); kept for display with its P-code",
    ),
    "crimea_no_name": (
        "{code} (без назви) немає в кодифікаторі (кримська одиниця до реформи); залишено для показу з його P-кодом",
        "{code} (no name) is not in the codifier (a pre-reform Crimean unit); kept for display with its P-code",
    ),
    "feature_left_out": ("«{name}»: {problem}; об'єкт не враховано", "'{name}' {problem}; feature left out"),
    "feature_no_unit": (
        "«{name}» не відповідає жодній одиниці; об'єкт не враховано",
        "'{name}' matches no unit; feature left out",
    ),
    "features_count": (
        "об'єктів: {rows} = {matched} зіставлено + {kept} залишено для показу (не одиниці кодифікатора) + "
        "{dropped} відкинуто + {unmatched} не зіставлено",
        "features: {rows} = {matched} matched + {kept} kept for display (no unit of the codifier) + {dropped} "
        "dropped + {unmatched} unmatched",
    ),
    "no_feature_matched": (
        "жоден об'єкт не зіставлено з одиницею кодифікатора",
        "no feature matched a unit of the codifier",
    ),
    "repair_too_big": (
        "недійсний полігон (вершин: {count}) — більше за {limit}, які застосунок виправляє; виправте його (напр., "
        "QGIS «Fix geometries») і завантажте знову",
        "an invalid polygon of {count} vertices, more than the {limit} the app repairs; repair it (for example QGIS "
        "'Fix geometries') and upload again",
    ),
    "repaired": (
        "виправлено недійсних геометрій: {count} (об'єкти {rows})",
        "{count} invalid geometries repaired (features {rows})",
    ),
    "repaired_one": (
        "виправлено 1 недійсну геометрію (об'єкт {rows})",
        "1 invalid geometry repaired (features {rows})",
    ),
    "empty_after_repair": (
        "після виправлення не лишилося полігона; об'єкт відкинуто",
        "no polygon left after repair; feature dropped",
    ),
    "no_crs_degrees": (
        "у файлі немає системи координат; координати схожі на градуси й прочитані як EPSG:4326",
        "the file has no CRS; its coordinates look like degrees and are read as EPSG:4326",
    ),
    "no_crs": (
        "у файлі немає системи координат, а координати — не градуси; збережіть його із системою координат (.prj)",
        "the file has no CRS and its coordinates are not degrees; save it with its CRS (.prj)",
    ),
    "features_merged": (
        "об'єктів для {code}: {count} (об'єкти {rows}); об'єднано",
        "{count} features for {code} (features {rows}); merged",
    ),
    "not_a_coverage": (
        "межі не утворюють чистого покриття; спрощено кожен об'єкт окремо",
        "boundaries do not form a clean coverage; simplified feature by feature",
    ),
    "no_fields": (
        "немає стовпця «code», полів P-кодів COD-AB (ADM1_PCODE, ADM2_PCODE, ADM3_PCODE) і полів назв («region», "
        "«rayon», «hromada», ADM3_UA…); стовпці: {columns}",
        "no 'code' column and no COD-AB P-code field (ADM1_PCODE, ADM2_PCODE, ADM3_PCODE) and no name fields "
        "(region, rayon, hromada, ADM3_UA...); columns: {columns}",
    ),
    "no_fields_for_level": (
        "немає стовпця «code», полів P-кодів COD-AB (ADM1_PCODE, ADM2_PCODE, ADM3_PCODE) для рівня «{level}» і "
        "полів назв («region», «rayon», «hromada», ADM3_UA…); стовпці: {columns}",
        "no 'code' column and no COD-AB P-code field (ADM1_PCODE, ADM2_PCODE, ADM3_PCODE) for level {level} and "
        "no name fields (region, rayon, hromada, ADM3_UA...); columns: {columns}",
    ),
    "no_layer": ("{name}: немає шару «{layer}» (шари: {layers})", "{name}: no layer '{layer}' (layers: {layers})"),
    "several_layers": (
        "{name} містить кілька шарів ({count}: {layers}); вкажіть рівень (область/район/громада) або шар",
        "{name} holds {count} layers ({layers}); name the level (oblast/raion/hromada) or the layer",
    ),
    "zip_no_layer": (
        "{name}: у zip-архіві немає файлу .shp, .geojson чи .gpkg",
        "{name}: no .shp, .geojson or .gpkg file inside the zip archive",
    ),
    "empty_geometry_unnamed": ("порожня геометрія; об'єкт відкинуто", "empty geometry; feature dropped"),
}
for _key, (_uk, _en) in _ISSUE_TEXT.items():
    TEXT["uk"][f"msg_{_key}"] = _uk
    TEXT["en"][f"msg_{_key}"] = _en

#: Parameters of :func:`issue_text` said as a word of the catalogue: name -> key prefix.
_ISSUE_WORDS = {"level": "loader_level_", "row_level": "loader_level_", "unit_level": "loader_level_",
                "kind": "loader_kind_", "given_type": "loader_htype_", "official_type": "loader_htype_",
                "hromada_type": "loader_htype_"}  # fmt: skip


def _is_message(value) -> bool:
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
    )


def _issue_number(value: float, lang: str) -> str:
    value = float(value)
    if value.is_integer():
        return format_number(value, 0, lang)
    return format_number(value, 1 if abs(value) >= 10 else 2, lang).rstrip("0").rstrip(",.")


def _issue_param(key: str, value, lang: str) -> str:
    if _is_message(value):
        return issue_text(value, lang)
    if isinstance(value, dict) and set(value) <= set(LANGS):  # the same words in each language
        return str(value.get(lang, value.get("uk", "")))
    if isinstance(value, (list, tuple)):
        if key == "levels":
            return "/".join(t(f"loader_level_{v}", lang) for v in value)
        if key == "fields":
            return ", ".join(_issue_param("field", v, lang) for v in value)
        if key == "alternatives":
            return t("loader_or", lang).join(_issue_param("field", v, lang) for v in value)
        if key == "kinds":
            return ", ".join(t(f"loader_kind_{v}", lang) for v in value)
        sep = "; " if key not in ("parts", "figures") and any(_is_message(v) for v in value) else ", "
        return sep.join(_issue_param(key, v, lang) for v in value)
    if key in ("field", "role") and isinstance(value, str):
        return label(value, lang) if key == "field" else role_label(value, lang)
    if key in _ISSUE_WORDS and isinstance(value, str) and f"{_ISSUE_WORDS[key]}{value}" in TEXT["uk"]:
        return t(f"{_ISSUE_WORDS[key]}{value}", lang)
    if key == "share" and isinstance(value, (int, float)):
        return format_percent(value, 0, lang)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key not in ("row", "first"):
        return _issue_number(value, lang)
    return str(value)


def source_text(source: str | None, lang: str = "uk") -> str:
    """A dataset's source in words in ``lang``: the message it keeps (``loaders.messages.source_value``), or its text.

    A manifest's source given in both languages (``{uk = "...", en = "..."}``)
    is said in ``lang``; an uploaded file is "завантажений файл X" / "uploaded
    file X"; a source written as plain text is shown as written.
    """
    return issue_text(source_message(source), lang)


def source_message(source: str | None) -> tuple[str, dict]:
    """The message a source keeps (``loaders.messages.source_value``), or ``stored_text`` of its text as written."""
    if source and source.startswith("["):
        try:
            value = json.loads(source)
        except ValueError:
            value = None
        if _is_message(value) and f"msg_{value[0]}" in TEXT["uk"]:
            return value[0], value[1]
    return "stored_text", {"text": source or ""}


def issue_text(message, lang: str = "uk") -> str:
    """A loader's message ``(code, params)`` (``loaders.messages.MESSAGES``) in words in ``lang``.

    Texts are the catalogue's ``msg_<code>``. Numbers are written in the
    language's format (row numbers as they are), fields by their label, levels,
    kinds of file and hromada types in words, shares as percentages; a
    parameter that is itself a message (or a list of them) is said in turn.
    """
    code, params = message
    words = {k: _issue_param(k, v, lang) for k, v in (params or {}).items()}
    return t(f"msg_{code}", lang).format(**words) if words else t(f"msg_{code}", lang)
