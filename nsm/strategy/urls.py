"""URLs of the plan, under /plan/.

The workbook's and the adopted matrix's URLs (import, template, export) come first, so that `import/` is not taken
for a strategy code.
"""

from django.urls import path

from nsm.strategy import matrix_views, views, workbook_views

app_name = "strategy"

plan_urlpatterns = [
    path("<str:code>/", views.strategy_detail, name="detail"),
    path("<str:code>/results/add/", views.result_add, name="goal_add"),
    path("<str:code>/results/<int:pk>/", views.result_detail, name="result"),
    path("<str:code>/results/<int:pk>/add/", views.result_add, name="result_add"),
    path("<str:code>/results/<int:pk>/edit/", views.result_edit, name="result_edit"),
    path("<str:code>/results/<int:pk>/move/", views.result_move, name="result_move"),
    path("<str:code>/results/<int:pk>/delete/", views.result_delete, name="result_delete"),
    path("<str:code>/results/<int:pk>/activities/add/", views.activity_add, name="activity_add"),
    path("<str:code>/results/<int:pk>/indicators/add/", views.indicator_add, name="indicator_add"),
    path("<str:code>/activities/<int:pk>/", views.activity_detail, name="activity"),
    path("<str:code>/activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<str:code>/activities/<int:pk>/move/", views.activity_move, name="activity_move"),
    path("<str:code>/activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("<str:code>/activities/<int:pk>/budget/", views.activity_budget, name="activity_budget"),
    path("<str:code>/indicators/", views.indicator_list, name="indicators"),
    path("<str:code>/amendments/", views.amendment_list, name="amendments"),
    path("<str:code>/action-plans/", views.action_plan_list, name="action_plans"),
    path("<str:code>/action-plans/<int:pk>/edit/", views.action_plan_edit, name="action_plan_edit"),
    path("<str:code>/indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("<str:code>/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("<str:code>/indicators/<int:pk>/move/", views.indicator_move, name="indicator_move"),
    path("<str:code>/indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("<str:code>/indicators/<int:pk>/targets/", views.indicator_targets, name="indicator_targets"),
    *(
        path(f"<str:code>/{plural}/<int:pk>/{action}/", view, {"kind": kind}, name=f"{kind}_{action}")
        for kind, plural in (("result", "results"), ("activity", "activities"), ("indicator", "indicators"))
        for action, view in (("withdraw", views.withdraw), ("restore", views.restore))
    ),
]

urlpatterns = workbook_views.urlpatterns + matrix_views.urlpatterns + plan_urlpatterns
